// bin/sfrpc-node.js as a vault runs it: exit codes, stdin and --request, JSON on stdout, log
// lines on stderr, usage errors (exit 2, nothing on stdout), the operation rule, and the
// same answers as the native sfrpc where the host decides by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../src/run.js";
import { main, summary } from "../src/cli.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";
import { runNode, runNative, SFRPC_BIN } from "../test-support/cli.js";
import { assertNoLeak, requestSecrets } from "../test-support/secrets.js";
import { repoManifest } from "../test-support/manifest.js";

const PROD = path.join(REPO_ROOT, "tests", "scenarios", "orgs", "e2e-prod.json");
const USER = "integration@e2e.example.com";
const PASSWORD = "E2eIntegrationPass01";
const request = (id, password = PASSWORD) => ({
  secret: { id, name: "E2E Integration", url: "https://login.salesforce.com", username: USER, password },
  site: { name: "E2E" },
});
const emuArgs = (emu) => ["--timeout", "10", "--ca-cert", emu.caPath, ...resolveTo(emu.port).flatMap((r) => ["--resolve", r])];
const work = () => fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-cli-"));
const user = (emu) => emu.call("GET", `/__emulator/users/${encodeURIComponent(USER)}`);

test("usage errors exit 2 with nothing on stdout, before any request", async () => {
  const dir = work();
  try {
    const badManifest = path.join(dir, "manifest.json");
    fs.writeFileSync(badManifest, '{"name":"sfrpc"}');
    const wildcard = path.join(dir, "wild.json");
    const m = repoManifest();
    m.capabilities.network.allowed_outbound_hosts = ["https://login.*.com"];
    fs.writeFileSync(wildcard, JSON.stringify(m));
    const noCert = path.join(dir, "empty.pem");
    fs.writeFileSync(noCert, "no certificate here\n");
    const cases = [
      [[], /expected exactly one of heartbeat, change, diagnose/],
      [["rotate"], /expected exactly one of/],
      [["heartbeat", "--bogus"], /Unknown option '--bogus'/],
      [["heartbeat", "--manifest", badManifest], /invalid manifest: missing field "version"/],
      [["heartbeat", "--manifest", wildcard], /invalid manifest: allowlist entry "https:\/\/login\.\*\.com"/],
      [["heartbeat", "--manifest", path.join(dir, "missing.json")], /cannot read manifest/],
      [["heartbeat", "--resolve", "login.salesforce.com"], /--resolve "login\.salesforce\.com": no '='/],
      [["heartbeat", "--resolve", "*=127.0.0.1:443"], /HOST must be a host name/],
      [["heartbeat", "--request", "/nonexistent/request.json"], /cannot read --request \/nonexistent\/request\.json/],
      [["heartbeat", "--ca-cert", "/nonexistent/ca.pem"], /--ca-cert \/nonexistent\/ca\.pem: no such file/],
      [["heartbeat", "--ca-cert", noCert], /no PEM certificate in the file/],
      [["heartbeat", "--timeout", "0"], /--timeout "0": an integer number of seconds in 1\.\.3600/],
      [["heartbeat", "--timeout", "3601"], /--timeout/],
      [["heartbeat", "--timeout", "1.5"], /--timeout/],
      [["heartbeat", "--timeout", "soon"], /--timeout/],
      [["heartbeat", "--state-dir", dir], /--state-dir is native-only.*native sfrpc/],
      [["heartbeat", "--proxy", "http://127.0.0.1:3128"], /--proxy is native-only/],
      [["batch", "--requests", dir], /batch is native-only/],
      [["quarantine", "list"], /quarantine is native-only/], [["demo"], /demo is native-only/],
    ];
    for (const [args, message] of cases) {
      const out = await runNode(args, { stdin: "{}" });
      assert.equal(out.code, 2, `${args.join(" ")}: exit code`);
      assert.equal(out.stdout, "", `${args.join(" ")}: nothing on stdout`);
      assert.match(out.stderr, message, args.join(" "));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a request on stdin: JSON on stdout, the RPC log on stderr, exit 0", async () => {
  const emu = await startEmulator([PROD]);
  try {
    const req = request(7001);
    const out = await runNode(["heartbeat", ...emuArgs(emu)], { stdin: JSON.stringify(req) });
    assertNoLeak("heartbeat", { stdout: out.stdout, stderr: out.stderr }, requestSecrets(req));
    assert.equal(out.code, 0, `exit code (stderr: ${out.stderr.split("\n")[0]})`);
    const r = JSON.parse(out.stdout);
    assert.equal(r.status, "Success");
    const last = r.log.at(-1);
    assert.equal(last, "Secret 'E2E Integration' (Id = 7001) on Site 'E2E' returned (Success).");
    for (const line of r.log) assert.ok(out.stderr.includes(`${line}\n`), "every log line is on stderr");
    assert.ok(!out.stderr.includes('"status"'), "no JSON on stderr");
  } finally {
    emu.stop();
  }
});

test("--request FILE and a wrong password: exit 10, one failed login", async () => {
  const emu = await startEmulator([PROD]);
  const dir = work();
  try {
    const file = path.join(dir, "request.json");
    const req = request(7003, "NotThePassword99");
    fs.writeFileSync(file, JSON.stringify(req));
    const out = await runNode(["heartbeat", "--request", file, "--json", ...emuArgs(emu)]);
    assertNoLeak("wrong password", { stdout: out.stdout, stderr: out.stderr }, requestSecrets(req));
    assert.equal(out.code, 10);
    assert.equal(JSON.parse(out.stdout).code, "INVALID_LOGIN");
    assert.equal((await user(emu)).failed_logins, 1);
  } finally {
    emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an operation that disagrees with the command: the native host's INVALID_REQUEST, no login", async () => {
  const emu = await startEmulator([PROD]);
  const dir = work();
  try {
    const req = { ...request(7002), operation: "change" };
    const node = await runNode(["heartbeat", ...emuArgs(emu)], { stdin: JSON.stringify(req) });
    assertNoLeak("operation mismatch", { stdout: node.stdout, stderr: node.stderr }, requestSecrets(req));
    assert.equal(node.code, 13);
    const r = JSON.parse(node.stdout);
    assert.deepEqual([r.status, r.code, r.message, r.remediation], ["ArgumentError", "INVALID_REQUEST",
      'operation: the request says "change" but the command is "heartbeat"', 'remove "operation" from the request or run the matching command']);
    assert.equal((await user(emu)).login_attempts, 0);
    const native = await runNative(["heartbeat", "--state-dir", path.join(dir, "state"), ...emuArgs(emu)], { stdin: JSON.stringify(req) });
    assertNoLeak("operation mismatch (native)", { stdout: native.stdout, stderr: native.stderr }, requestSecrets(req));
    assert.equal(node.stdout, native.stdout, "the native host prints the same, byte for byte");
    assert.equal(node.code, native.code);
    // A non-string operation, as natively.
    const odd = { ...request(7002), operation: 7 };
    const n2 = JSON.parse((await runNode(["heartbeat", ...emuArgs(emu)], { stdin: JSON.stringify(odd) })).stdout);
    assert.match(n2.message, /the request says "a non-string value"/);
  } finally {
    emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("operation null is absent; text that is not JSON goes to the plugin unchanged", async () => {
  const emu = await startEmulator([PROD]);
  const dir = work();
  try {
    const out = await runNode(["heartbeat", ...emuArgs(emu)], { stdin: JSON.stringify({ ...request(7004), operation: null }) });
    assertNoLeak("operation null", { stdout: out.stdout, stderr: out.stderr }, requestSecrets(request(7004)));
    assert.equal(out.code, 0);
    assert.equal(JSON.parse(out.stdout).operation, "heartbeat");
    for (const text of ["not json", "[1, 2]", '"a string"', ""]) {
      const node = await runNode(["diagnose", ...emuArgs(emu)], { stdin: text });
      const native = await runNative(["diagnose", "--state-dir", path.join(dir, "state"), ...emuArgs(emu)], { stdin: text });
      assert.equal(node.code, 13, `${JSON.stringify(text)}: ArgumentError`);
      assert.equal(node.stdout, native.stdout, `${JSON.stringify(text)}: the same output as natively, byte for byte`);
      assert.equal(node.stderr, native.stderr, `${JSON.stringify(text)}: the same log lines`);
    }
  } finally {
    emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--ca-cert is repeatable: every file is trusted", async () => {
  const emu = await startEmulator([PROD]);
  try {
    const testCa = path.join(REPO_ROOT, "host-shim", "js", "test-support", "tls", "ca.pem");
    // The emulator's CA first: a host that kept only the last --ca-cert would fail TLS here.
    const args = ["heartbeat", "--timeout", "10", "--ca-cert", emu.caPath, "--ca-cert", testCa, ...resolveTo(emu.port).flatMap((r) => ["--resolve", r])];
    const out = await runNode(args, { stdin: JSON.stringify(request(7005)) });
    assert.equal(out.code, 0, JSON.parse(out.stdout || "{}").code);
  } finally {
    emu.stop();
  }
});

test("active_password unknown exits 20", async () => {
  const emu = await startEmulator([PROD]);
  try {
    // The change is applied but never answered, and every later login is unavailable.
    await emu.call("POST", "/__emulator/faults", { endpoint: "changeOwnPassword", kind: "reset_after" });
    await emu.call("POST", "/__emulator/faults", { endpoint: "login", kind: "http_503_html", skip: 1, times: null });
    const req = { ...request(7006), new_password: "E2eRotatedPass7006" };
    const out = await runNode(["change", ...emuArgs(emu)], { stdin: JSON.stringify(req) });
    assertNoLeak("unknown", { stdout: out.stdout, stderr: out.stderr }, requestSecrets(req));
    const r = JSON.parse(out.stdout);
    assert.equal(r.active_password, "unknown", `code ${r.code}`);
    assert.equal(out.code, 20);
  } finally {
    emu.stop();
  }
});

test("the text summary shows a generated new password, like the native host", async () => {
  const emu = await startEmulator([PROD]);
  const dir = work();
  try {
    const file = path.join(dir, "request.json");
    fs.writeFileSync(file, JSON.stringify(request(7007)));
    let stdout = "";
    let stderr = "";
    const io = { stdout: { isTTY: true, write: (s) => { stdout += s; } }, stderr: { write: (s) => { stderr += s; } } };
    const code = await main(["change", "--request", file, ...emuArgs(emu)], io);
    assert.equal(code, 0, stdout.split("\n")[0]);
    const m = /^new password \(generated by sfrpc, store it now\): (\S+)$/m.exec(stdout);
    assert.ok(m, "the summary names the generated password");
    const check = await emu.call("POST", `/__emulator/users/${encodeURIComponent(USER)}/check-password`, { password: m[1] });
    assert.equal(check.valid, true, "and it is the one Salesforce has");
    assert.ok(!stderr.includes(m[1]), "the log lines never carry it");
    // (never assert.match on this text: a failure would print the generated password)
    assert.ok(/^Success \(OK\): .*\nactive password: new \(store the new password\)\n/.test(stdout), "the summary's first lines");
  } finally {
    emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the summary is the native output::summary, line for line", () => {
  const r = {
    status: "LoginFailed", code: "INVALID_LOGIN", message: "Login failed: INVALID_LOGIN", remediation: "check the password",
    active_password: "current", retryable: true, failed_logins: 1,
    checks: [{ name: "login_url", outcome: "pass", detail: "ok" }, { name: "api_enabled", outcome: "fail", detail: "off", remediation: "enable it" }],
  };
  assert.equal(summary(r), [
    "LoginFailed (INVALID_LOGIN): Login failed: INVALID_LOGIN",
    "active password: current (keep the stored password)",
    "failed logins: 1",
    "retryable: yes, later",
    "remediation: check the password",
    "checks:",
    "  [pass] login_url: ok",
    "  [FAIL] api_enabled: off",
    "         fix: enable it",
  ].join("\n"));
  assert.match(summary({ ...r, new_password: "Generated-1" }), /\nnew password \(generated by sfrpc, store it now\): Generated-1\n/);
});

test("the native binary is built (the comparisons above need it)", () => {
  assert.ok(fs.existsSync(SFRPC_BIN), "target/debug/sfrpc is missing: run cargo build --workspace --bins");
});

test("a missing wasm build is a usage error naming the build command", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-nopkg-"));
  try {
    const js = path.join(root, "host-shim", "js");
    for (const d of ["src", "bin"]) fs.cpSync(path.join(REPO_ROOT, "host-shim", "js", d), path.join(js, d), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "host-shim", "js", "package.json"), path.join(js, "package.json"));
    fs.copyFileSync(path.join(REPO_ROOT, "manifest.json"), path.join(root, "manifest.json"));
    const { run } = await import("../test-support/cli.js");
    const out = await run(process.execPath, [path.join(js, "bin", "sfrpc-node.js"), "heartbeat"], { stdin: "{}" });
    assert.equal(out.code, 2);
    assert.equal(out.stdout, "");
    assert.match(out.stderr, /cannot load the wasm plugin: .*run scripts\/build-wasm\.sh first/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the leak scan catches a session id shape", async () => {
  const { hasSessionId } = await import("../test-support/secrets.js");
  assert.ok(hasSessionId("sid 00D5g000004ABCD!AQ4AQFakeSessionTokenValue0123 here"));
  assert.ok(!hasSessionId("user 0055g00000E2EU1AAN logged in"));
  assert.ok(!hasSessionId("00D5g000004ABCD!short"));
});

// The end-to-end scenarios of tests/scenarios/ (the same data files the native suite runs),
// run through the wasm plugin and Node's https against the real emulator binary.
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import os from "node:os";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runJob, REPO_ROOT, DEFAULT_MANIFEST } from "../src/run.js";
import { exitCode } from "../src/cli.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";

const DIR = path.join(REPO_ROOT, "tests", "scenarios");
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith(".json")).sort() : [];
const scenarios = files.flatMap((f) => {
  const data = JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));
  const list = Array.isArray(data) ? data : Array.isArray(data.scenarios) ? data.scenarios : [data];
  return list.map((s, i) => ({ ...s, name: s.name ?? `${f}#${i}` }));
});

const orgPath = (o) => (path.isAbsolute(o) ? o : fs.existsSync(path.join(REPO_ROOT, o)) ? path.join(REPO_ROOT, o) : path.join(REPO_ROOT, "fixtures", "orgs", o.endsWith(".json") ? o : `${o}.json`));
/** The native host built by `cargo build` (scripts/test builds it first). */
const SFRPC_BIN = path.join(REPO_ROOT, "target", "debug", "sfrpc");

/** What must be identical between the two hosts: everything but the free-text fields. */
const comparable = (r) => ({
  operation: r.operation, secret_id: r.secret_id, status: r.status, code: r.code,
  active_password: r.active_password, retryable: r.retryable, failed_logins: r.failed_logins,
  retry_with_new_password: r.retry_with_new_password, refused_credentials: r.refused_credentials,
  checks: (r.checks ?? []).map((c) => `${c.name}:${c.outcome}`),
});

/** Runs the scenario through the native `sfrpc` binary against its own fresh emulator. */
async function runNative(sc, orgs, request) {
  const emu = await startEmulator(orgs, sc.client_ip ? ["--client-ip", sc.client_ip] : []);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-native-"));
  try {
    for (const step of sc.setup ?? sc.steps ?? []) await emu.call(step.method ?? "POST", step.path, step.body);
    const requestFile = path.join(work, "request.json");
    fs.writeFileSync(requestFile, JSON.stringify(request));
    const args = [sc.operation ?? request.operation ?? "heartbeat", "--request", requestFile, "--json",
      "--state-dir", path.join(work, "state"), "--timeout", String(sc.timeout_secs ?? 10), "--ca-cert", emu.caPath,
      ...resolveTo(emu.port).flatMap((r) => ["--resolve", r])];
    if (sc.manifest) args.push("--manifest", path.join(REPO_ROOT, sc.manifest));
    const out = spawnSync(SFRPC_BIN, args, { encoding: "utf8", timeout: 120000, env: { ...process.env, HTTPS_PROXY: "", https_proxy: "" } });
    assert.ok(out.stdout, `native sfrpc printed no result (exit ${out.status})`);
    return { result: JSON.parse(out.stdout), code: out.status };
  } finally {
    emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const RESULT_KEYS = ["status", "code", "active_password", "retryable", "refused_credentials", "failed_logins", "retry_with_new_password"];

test("tests/scenarios/ holds the end-to-end scenario list", () => {
  assert.ok(scenarios.length > 0, "tests/scenarios/ has no scenario files yet (written by the native-host work)");
});

for (const sc of scenarios) {
  test(`scenario: ${sc.name}`, { timeout: 120000 }, async () => {
    const orgs = [sc.orgs ?? sc.org ?? "demo.json"].flat().map(orgPath);
    const emu = await startEmulator(orgs, sc.client_ip ? ["--client-ip", sc.client_ip] : []);
    let request;
    let result;
    try {
      for (const step of sc.setup ?? sc.steps ?? []) await emu.call(step.method ?? "POST", step.path, step.body);
      request = sc.request ?? JSON.parse(fs.readFileSync(path.join(REPO_ROOT, sc.request_file), "utf8"));
      if (sc.operation && request.operation === undefined) request = { ...request, operation: sc.operation };
      result = await runJob(request, {
        manifest: sc.manifest ? path.join(REPO_ROOT, sc.manifest) : DEFAULT_MANIFEST,
        ca: emu.ca, resolve: resolveTo(emu.port), timeoutMs: (sc.timeout_secs ?? 10) * 1000,
      });
      const expect = sc.expect ?? sc.expected ?? {};
      assert.ok(Object.keys(expect).length > 0, "scenario has no expectations");
      for (const [key, want] of Object.entries(expect)) {
        if (RESULT_KEYS.includes(key)) assert.deepEqual(result[key], want, `${key}: got ${JSON.stringify(result[key])} (code ${result.code})`);
        else if (key === "exit_code") assert.equal(exitCode(result), want, `exit code (status ${result.status}, code ${result.code})`);
        else if (key === "valid_password" || key === "emulator") {
          const truth = key === "emulator" ? want : { valid_password: want };
          for (const [k, v] of Object.entries(truth)) {
            if (k === "valid_password") {
              const candidates = { current: request.secret?.password ?? request.secret?.items?.find((i) => i.slug === "password")?.itemValue, new: request.new_password, pending: request.pending_password };
              const username = request.secret?.username ?? request.secret?.items?.find((i) => i.slug === "username")?.itemValue;
              const r = await emu.call("POST", `/__emulator/users/${encodeURIComponent(username)}/check-password`, { password: candidates[v] });
              assert.ok(r.valid === true, `emulator says the ${v} password is not the valid one`);
            } else if (k === "failed_logins" || k === "failed_logins_delta") {
              const username = request.secret?.username ?? request.secret?.items?.find((i) => i.slug === "username")?.itemValue;
              const u = await emu.call("GET", `/__emulator/users/${encodeURIComponent(username)}`);
              assert.equal(u.failed_logins, v, "emulator failed_logins");
            } else assert.fail(`runner does not understand emulator expectation ${k}`);
          }
        } else assert.fail(`runner does not understand expectation ${key}`);
      }
    } finally {
      emu.stop();
    }
    // The same scenario through the native host: the results must be identical.
    assert.ok(fs.existsSync(SFRPC_BIN), "target/debug/sfrpc is missing: run cargo build --workspace --bins");
    const native = await runNative(sc, orgs, request);
    assert.deepEqual(comparable(result), comparable(native.result), "the Node and native hosts disagree");
    assert.equal(exitCode(result), native.code, "exit codes differ between the Node and native hosts");
  });
}

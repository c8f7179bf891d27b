// The end-to-end scenarios of tests/scenarios/ (the same data files the native suite runs,
// tests/src/scenario.rs), run through the Node host's CLI (the wasm plugin over Node's https)
// against the real emulator binary, then through the native sfrpc against a fresh emulator:
// the two results must be identical.
//
// Identical means the whole result JSON and the exit code. Two exclusions: the value of a
// generated `new_password` (random in each host: only its presence is compared), and the
// timestamps the emulator reports (diagnose's "Last password change: 2026-...": each host
// runs against its own emulator, started at a different instant), which are compared as
// "<time>". Transport
// error details would be another legitimate difference (Node and rustls word socket errors
// differently), but the Node transport reports the native host's own detail strings, so no
// field is excluded for them; if a plugin change ever copies an OS error text into a result,
// this test will say which field differs.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { REPO_ROOT } from "../src/run.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";
import { runNode, runNative, SFRPC_BIN } from "../test-support/cli.js";
import { assertNoLeak, requestSecrets } from "../test-support/secrets.js";

const DIR = path.join(REPO_ROOT, "tests", "scenarios");
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => f.endsWith(".json")).sort() : [];
const scenarios = files.flatMap((f) => {
  const data = JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));
  const list = Array.isArray(data) ? data : Array.isArray(data.scenarios) ? data.scenarios : [data];
  return list.map((s, i) => ({ ...s, name: s.name ?? `${f}#${i}` }));
});

/** An org argument: a path relative to the repository root, or a file name in fixtures/orgs/. */
const orgPath = (o) => (path.isAbsolute(o) ? o : fs.existsSync(path.join(REPO_ROOT, o)) ? path.join(REPO_ROOT, o) : path.join(REPO_ROOT, "fixtures", "orgs", o.endsWith(".json") ? o : `${o}.json`));

/** Result fields compared verbatim with the expectation (tests/src/scenario.rs RESULT_KEYS). */
const RESULT_KEYS = ["status", "code", "active_password", "retryable", "refused_credentials", "failed_logins", "retry_with_new_password"];

/** A secret record's field by flat key or by slug. */
function secretField(secret, flat, slug) {
  if (typeof secret?.[flat] === "string") return secret[flat];
  return secret?.items?.find((i) => String(i.slug ?? "").toLowerCase() === slug && typeof i.itemValue === "string")?.itemValue;
}

/** The password `which` names: from the request, or the one the host generated. */
function candidate(request, result, which) {
  if (which === "current") return secretField(request.secret, "password", "password");
  if (which === "new") return typeof request.new_password === "string" ? request.new_password : result?.new_password;
  if (which === "pending") return typeof request.pending_password === "string" ? request.pending_password : undefined;
  return undefined;
}

/** One emulator, the scenario's setup, one host run; resolves to {result, code, failures}. */
async function runScenario(sc, host) {
  const orgs = [sc.orgs ?? sc.org ?? "demo.json"].flat().map(orgPath);
  const emu = await startEmulator(orgs, sc.client_ip ? ["--client-ip", sc.client_ip] : []);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `sfrpc-node-${host}-`));
  try {
    for (const step of sc.setup ?? []) await emu.call(step.method ?? "POST", step.path, step.body);
    const request = sc.request;
    const username = secretField(request.secret, "username", "username") ?? "";
    const userState = async () => emu.call("GET", `/__emulator/users/${encodeURIComponent(username)}`).catch(() => ({ failed_logins: 0 }));
    const valid = async (pw) => (await emu.call("POST", `/__emulator/users/${encodeURIComponent(username)}/check-password`, { password: pw })).valid === true;
    const failedBefore = (await userState()).failed_logins ?? 0;
    const current = candidate(request, null, "current");
    const currentValidBefore = current !== undefined && (await valid(current));

    const requestFile = path.join(work, "request.json");
    fs.writeFileSync(requestFile, JSON.stringify(request));
    const args = [sc.operation ?? "heartbeat", "--request", requestFile, "--json", "--timeout", String(sc.timeout_secs ?? 10),
      "--ca-cert", emu.caPath, ...resolveTo(emu.port).flatMap((r) => ["--resolve", r])];
    if (sc.manifest) args.push("--manifest", path.join(REPO_ROOT, sc.manifest));
    const out = host === "node" ? await runNode(args) : await runNative([...args, "--state-dir", path.join(work, "state")]);
    assertNoLeak(`${sc.name} (${host})`, { stdout: out.stdout, stderr: out.stderr }, requestSecrets(request));
    assert.ok(out.stdout, `${host} host printed no result (exit ${out.code})`);
    const result = JSON.parse(out.stdout);

    const failures = [];
    const expect = sc.expect ?? {};
    for (const key of RESULT_KEYS) {
      if (key in expect && !isDeepStrictEqual(result[key] ?? null, expect[key])) {
        failures.push(`${key}: expected ${JSON.stringify(expect[key])}, got ${JSON.stringify(result[key] ?? null)} (code ${result.code})`);
      }
    }
    if ("exit_code" in expect && out.code !== expect.exit_code) failures.push(`exit code: expected ${expect.exit_code}, got ${out.code} (code ${result.code})`);
    const failedDelta = ((await userState()).failed_logins ?? 0) - failedBefore;
    const emulator = expect.emulator ?? {};
    for (const k of Object.keys(emulator)) if (!["valid_password", "failed_logins"].includes(k)) failures.push(`runner does not understand emulator expectation ${k}`);
    if (emulator.valid_password !== undefined) {
      const pw = candidate(request, result, emulator.valid_password);
      if (pw === undefined) failures.push(`scenario has no ${emulator.valid_password} password to check`);
      else if (!(await valid(pw))) failures.push(`emulator: the ${emulator.valid_password} password is not valid`);
    }
    if (emulator.failed_logins !== undefined && failedDelta !== emulator.failed_logins) {
      failures.push(`emulator failed_logins: expected ${emulator.failed_logins}, got ${failedDelta}`);
    }
    // The invariants of every run (as natively): new/pending valid when claimed; current means
    // nothing changed; at most one failed login (two while reconciling a pending password).
    const active = result.active_password;
    if (active === "new" || active === "pending") {
      const pw = candidate(request, result, active);
      if (pw === undefined || !(await valid(pw))) failures.push(`active_password is ${active} but that password is not valid`);
    } else if (active === "current") {
      const pw = candidate(request, result, "new");
      if (pw !== undefined && (await valid(pw))) failures.push("active_password is current but the new password is valid");
      if (currentValidBefore && !(await valid(current))) failures.push("active_password is current but it no longer works");
    }
    const limit = typeof request.pending_password === "string" ? 2 : 1;
    if (failedDelta > limit) failures.push(`${failedDelta} failed logins in one job (limit ${limit})`);
    return { result, code: out.code, failures };
  } finally {
    emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g;

/** The result with the excluded values (see the header) replaced by markers. */
function comparable(r) {
  const marked = typeof r.new_password === "string" ? { ...r, new_password: "<generated>" } : r;
  return JSON.parse(JSON.stringify(marked, (_k, v) => (typeof v === "string" ? v.replace(TIMESTAMP, "<time>") : v)));
}

test("tests/scenarios/ holds the end-to-end scenario list", () => {
  assert.ok(scenarios.length > 0, "tests/scenarios/ has no scenario files");
  assert.ok(fs.existsSync(SFRPC_BIN), "target/debug/sfrpc is missing: run cargo build --workspace --bins");
});

for (const sc of scenarios) {
  test(`scenario: ${sc.name}`, { timeout: 120000 }, async () => {
    assert.ok(sc.request && typeof sc.request === "object", "scenario has a request");
    assert.ok(Object.keys(sc.expect ?? {}).length > 0, "scenario has no expectations");
    const node = await runScenario(sc, "node");
    assert.deepEqual(node.failures, [], `scenario ${sc.name} through the Node host`);
    const native = await runScenario(sc, "native");
    assert.deepEqual(comparable(node.result), comparable(native.result), "the Node and native hosts disagree");
    assert.equal(node.code, native.code, "exit codes differ between the Node and native hosts");
  });
}

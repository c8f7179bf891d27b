// Transport failures through both hosts: the same request against the same broken endpoint
// must print the same result (byte for byte) and exit code in the Node and native hosts.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../src/run.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";
import { startTcp } from "../test-support/tls-server.js";
import { runNode, runNative } from "../test-support/cli.js";
import { assertNoLeak, requestSecrets } from "../test-support/secrets.js";

const PROD = path.join(REPO_ROOT, "tests", "scenarios", "orgs", "e2e-prod.json");
const request = (id) => ({
  secret: { id, name: "E2E Integration", url: "https://login.salesforce.com", username: "integration@e2e.example.com", password: "E2eIntegrationPass01" },
  site: { name: "E2E" },
});
const resolveArgs = (port) => resolveTo(port).flatMap((r) => ["--resolve", r]);

/** Runs `op` with `args` through both hosts; asserts identical stdout and exit code; returns the result. */
async function both(op, args, req) {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-parity-"));
  try {
    const stdin = JSON.stringify(req);
    const node = await runNode([op, ...args], { stdin });
    const native = await runNative([op, "--state-dir", state, ...args], { stdin });
    for (const [host, out] of [["node", node], ["native", native]]) assertNoLeak(`${op} (${host})`, { stdout: out.stdout, stderr: out.stderr }, requestSecrets(req));
    assert.equal(node.stdout, native.stdout, "the two hosts print different results");
    assert.equal(node.code, native.code, "exit codes differ");
    return JSON.parse(node.stdout);
  } finally {
    fs.rmSync(state, { recursive: true, force: true });
  }
}

test("a refused connection reads the same in both hosts", async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const r = await both("heartbeat", ["--timeout", "5", ...resolveArgs(port)], request(8001));
  assert.deepEqual([r.status, r.code], ["UnableToConnect", "CONNECT_ERROR"]);
});

test("a reset during the TLS handshake reads the same in both hosts", async () => {
  const server = await startTcp((s) => s.resetAndDestroy());
  try {
    const r = await both("heartbeat", ["--timeout", "5", ...resolveArgs(server.port)], request(8002));
    assert.equal(r.status, "UnableToConnect");
  } finally {
    await server.close();
  }
});

test("an untrusted certificate reads the same in both hosts", async () => {
  const emu = await startEmulator([PROD]);
  try {
    const r = await both("heartbeat", ["--timeout", "5", ...resolveArgs(emu.port)], request(8003));
    assert.deepEqual([r.status, r.code], ["UnableToConnect", "TLS_ERROR"]);
  } finally {
    emu.stop();
  }
});

test("a timeout reads the same in both hosts", async () => {
  const emu = await startEmulator([PROD]);
  try {
    await emu.call("POST", "/__emulator/faults", { endpoint: "login", kind: "delay", delay_ms: 3000, times: null });
    const r = await both("heartbeat", ["--timeout", "1", "--ca-cert", emu.caPath, ...resolveArgs(emu.port)], request(8004));
    assert.deepEqual([r.status, r.code], ["UnableToConnect", "TIMEOUT"]);
  } finally {
    emu.stop();
  }
});

test("a handshake that never finishes: a connect timeout in both hosts, nothing sent", async () => {
  // The native host's connect timeout is a little shorter than its total timeout, so a stalled
  // TLS handshake reads "timed out while connecting" (maybe_sent false) in both hosts.
  const server = await startTcp(() => {});
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-parity-"));
  try {
    const args = ["--timeout", "1", ...resolveArgs(server.port)];
    const stdin = JSON.stringify(request(8005));
    const node = JSON.parse((await runNode(["heartbeat", ...args], { stdin })).stdout);
    const native = JSON.parse((await runNative(["heartbeat", "--state-dir", state, ...args], { stdin })).stdout);
    for (const r of [node, native]) assert.deepEqual([r.status, r.code, r.active_password], ["UnableToConnect", "TIMEOUT", "current"]);
    for (const r of [node, native]) assert.match(r.message, /\(timed out while connecting\)$/);
  } finally {
    await server.close();
    fs.rmSync(state, { recursive: true, force: true });
  }
});

test("host-decided results read the same in both hosts", async () => {
  const tooLong = { ...request(8006), org: { password_policy: { min_length: 300 } } };
  const r = await both("change", ["--timeout", "5"], tooLong);
  assert.deepEqual([r.status, r.code], ["ArgumentError", "NEW_PASSWORD_GENERATION"]);
  const mismatch = await both("diagnose", ["--timeout", "5"], { ...request(8007), operation: "heartbeat" });
  assert.equal(mismatch.code, "INVALID_REQUEST");
  const noSecret = await both("heartbeat", ["--timeout", "5"], { site: { name: "E2E" } });
  assert.equal(noSecret.status, "ArgumentError");
  // With a pending password nothing the host decides alone can settle it: unknown in both.
  const pending = { ...request(8008), operation: "heartbeat", pending_password: "Pending-Not-Tried-1" };
  const mismatchPending = await both("change", ["--timeout", "5"], pending);
  assert.deepEqual([mismatchPending.code, mismatchPending.active_password], ["INVALID_REQUEST", "unknown"]);
  const tooLongPending = { ...tooLong, pending_password: "Pending-Not-Tried-1" };
  const gen = await both("change", ["--timeout", "5"], tooLongPending);
  assert.deepEqual([gen.code, gen.active_password], ["NEW_PASSWORD_GENERATION", "unknown"]);
});

// runJob's own guarantees, with scripted plugins and transports: a plugin that never finishes
// or throws ends in the native host's PLUGIN_STALLED result (never a rejection), and the
// host-side operation rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runJob, MAX_REQUESTS } from "../src/run.js";
import { exitCode } from "../src/cli.js";
import { parseManifest } from "../src/allowlist.js";
import { manifestWith } from "../test-support/manifest.js";

const allowlist = parseManifest(manifestWith(["https://login.salesforce.com"]));
const request = (operation, extra = {}) => ({
  operation,
  secret: { id: 42, name: "Stall", url: "https://login.salesforce.com", username: "int@acme.com", password: "Stall-Pw-4242" },
  site: { name: "EARTH" },
  ...extra,
});
const ok = async () => ({ response: { status: 200, headers: [], body: "" } });

/** A plugin whose job asks for a request for ever; `throwIn` names a method that throws. */
function endlessPlugin({ throwIn } = {}) {
  const calls = { poll: 0, handleResponse: 0, free: 0 };
  class WasmJob {
    constructor() {
      this.id = 0;
    }
    poll() {
      calls.poll++;
      if (throwIn === "poll" && calls.poll > 2) throw new Error("poll failed");
      return { type: "send", id: this.id++, method: "POST", url: "https://login.salesforce.com/services/Soap/u/64.0", headers: [], body: "" };
    }
    handleResponse() {
      calls.handleResponse++;
      if (throwIn === "handleResponse") throw new Error("invalid HttpResponse");
    }
    handleTransportError() {}
    free() {
      calls.free++;
    }
  }
  return { plugin: { WasmJob }, calls };
}

test("a plugin that never finishes stops after 64 requests: PLUGIN_STALLED, unknown for a change (exit 20)", async () => {
  for (const op of ["heartbeat", "change"]) {
    const { plugin, calls } = endlessPlugin();
    let sent = 0;
    const send = async () => {
      sent++;
      return ok();
    };
    const r = await runJob(request(op, { new_password: "Stall-New-Pw-4243" }), { allowlist, plugin, send });
    assert.equal(sent, MAX_REQUESTS);
    assert.equal(MAX_REQUESTS, 64);
    assert.deepEqual([r.status, r.code, r.message], ["UnknownError", "PLUGIN_STALLED", "the plugin did not finish within 64 requests"]);
    assert.equal(r.active_password, op === "change" ? "unknown" : "current");
    assert.equal(exitCode(r), op === "change" ? 20 : 16);
    assert.deepEqual([r.operation, r.secret_id, r.secret_name, r.site], [op, 42, "Stall", "EARTH"]);
    assert.deepEqual(r.log, [r.message, "Secret 'Stall' (Id = 42) on Site 'EARTH' returned (UnknownError)."]);
    assert.equal(calls.free, 1, "the job is freed");
  }
});

test("a throw in poll or handleResponse is a result, not a rejection", async () => {
  for (const throwIn of ["poll", "handleResponse"]) {
    const { plugin } = endlessPlugin({ throwIn });
    const r = await runJob(request("change", { new_password: "Stall-New-Pw-4243" }), { allowlist, plugin, send: ok });
    assert.deepEqual([r.status, r.code, r.active_password], ["UnknownError", "PLUGIN_STALLED", "unknown"], throwIn);
    assert.ok(!/Stall-(New-)?Pw/.test(JSON.stringify(r)), "no password in the result");
  }
});

test("the real plugin rejecting a malformed answer is a result too", async () => {
  const r = await runJob(request("change", { new_password: "Stall-New-Pw-4243" }), {
    allowlist, send: async () => ({ response: { status: "not a number" } }),
  });
  assert.deepEqual([r.status, r.code, r.active_password], ["UnknownError", "PLUGIN_STALLED", "unknown"]);
});

test("a transport that rejects is a reset that may have been sent", async () => {
  const r = await runJob(request("heartbeat"), { allowlist, send: async () => { throw new Error("boom"); } });
  assert.equal(r.status, "UnableToConnect", r.code);
  assert.equal(r.active_password, "current");
});

test("the command's operation: written in when absent or null, refused when different", async () => {
  const seen = [];
  const send = async (req) => {
    seen.push(req.url);
    return { error: { kind: "connect", maybe_sent: false } };
  };
  const { operation: _op, ...bare } = request("heartbeat");
  for (const req of [bare, { ...bare, operation: null }, JSON.stringify(bare)]) {
    const r = await runJob(req, { allowlist, send, operation: "heartbeat" });
    assert.equal(r.operation, "heartbeat");
    assert.equal(r.status, "UnableToConnect");
  }
  const before = seen.length;
  const r = await runJob({ ...bare, operation: "diagnose" }, { allowlist, send, operation: "heartbeat" });
  assert.deepEqual(r, {
    operation: "heartbeat", secret_id: 42, secret_name: "Stall", site: "EARTH", status: "ArgumentError", code: "INVALID_REQUEST",
    message: 'operation: the request says "diagnose" but the command is "heartbeat"',
    remediation: 'remove "operation" from the request or run the matching command',
    active_password: "current", retryable: false, failed_logins: 0, checks: [],
    log: ['operation: the request says "diagnose" but the command is "heartbeat"', "Secret 'Stall' (Id = 42) on Site 'EARTH' returned (ArgumentError)."],
  });
  assert.equal(seen.length, before, "nothing was sent");
});

test("a policy longer than 256 is the native generator error", async () => {
  const r = await runJob(request("change", { org: { password_policy: { min_length: 300 } } }), { allowlist, send: ok });
  assert.deepEqual([r.status, r.code, r.message, r.remediation], ["ArgumentError", "NEW_PASSWORD_GENERATION",
    "cannot generate a new password: the declared minimum length 300 is longer than 256",
    "declare a min_length of at most 256, or pass new_password"]);
});

test("a plugin whose free() throws too still yields the result", async () => {
  const { plugin } = endlessPlugin({ throwIn: "poll" });
  plugin.WasmJob.prototype.free = () => {
    throw new Error("RuntimeError: unreachable");
  };
  const r = await runJob(request("heartbeat"), { allowlist, plugin, send: ok });
  assert.equal(r.code, "PLUGIN_STALLED");
});

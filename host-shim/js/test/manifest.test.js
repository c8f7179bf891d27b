// manifest.json is parsed as strictly as the native host's (host-shim/src/manifest.rs): the
// same cases as its unit tests, plus the bad manifest of tests/tests/e2e_host.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifestStrict, STATUS_EXIT_CODES } from "../src/manifest.js";
import { EXIT_CODES } from "../src/cli.js";
import { ManifestError, parseManifest } from "../src/allowlist.js";
import { repoManifest } from "../test-support/manifest.js";

const parse = (v) => parseManifestStrict(typeof v === "string" ? v : JSON.stringify(v));
const refused = (v, pattern, what) => assert.throws(() => parse(v), (e) => e instanceof ManifestError && pattern.test(e.message), what);

test("the repository manifest is valid and complete", () => {
  const m = parse(repoManifest());
  assert.equal(m.name, "sfrpc");
  assert.equal(m.abi, "sfrpc-sansio/1");
  assert.equal(m.entry_points.wasm.module, "host-shim/js/pkg/sfrpc_plugin_bg.wasm");
  assert.equal(m.entry_points.wasm.glue, "host-shim/js/pkg/sfrpc_plugin.js");
  assert.equal(m.entry_points.native.binary, "sfrpc");
  assert.deepEqual(m.operations, ["heartbeat", "change", "diagnose"]);
  assert.deepEqual(m.secret_template.fields.map((f) => f.slug), ["url", "username", "password", "security-token", "client-id", "client-secret"]);
  assert.equal(m.allowlist.length, 3);
  assert.equal(m.statuses.length, 8);
});

test("unknown fields are refused at every level", () => {
  let v = repoManifest();
  v.allowed_outbound_hosts = [];
  refused(v, /unknown field "allowed_outbound_hosts"/, "top level");
  v = repoManifest();
  v.capabilities.network.allowed_hosts = [];
  refused(v, /unknown field "allowed_hosts"/, "capabilities.network");
  v = repoManifest();
  v.secret_template.fields[0].secret = true;
  refused(v, /unknown field "secret"/, "a template field");
  v = repoManifest();
  v.entry_points.wasm.main = "x.js";
  refused(v, /unknown field "main"/, "entry_points.wasm");
  v = repoManifest();
  v.capabilities.files = {};
  refused(v, /unknown field "files"/, "capabilities");
});

test("missing fields and wrong types are refused", () => {
  let v = repoManifest();
  delete v.abi;
  refused(v, /missing field "abi"/, "no abi");
  v = repoManifest();
  v.capabilities.network.allowed_outbound_hosts = "https://login.salesforce.com";
  refused(v, /allowed_outbound_hosts must be a list/, "a string instead of a list");
  v = repoManifest();
  delete v.entry_points.native;
  refused(v, /missing field "native"/, "no native entry point");
  v = repoManifest();
  v.statuses[0].exit_code = 1.5;
  refused(v, /exit_code must be an integer/, "a fractional exit code");
  v = repoManifest();
  v.secret_template.fields[2].is_password = "yes";
  refused(v, /is_password must be true or false/, "a string for a bool");
  v = repoManifest();
  v.capabilities = null;
  refused(v, /capabilities must be an object/, "null capabilities");
  refused("{", /invalid manifest/, "not JSON");
  refused("[]", /must be an object/, "not an object");
  refused(`${JSON.stringify(repoManifest())} x`, /trailing/, "trailing text");
});

test("the bad manifest of the native end-to-end tests is refused", () => {
  refused('{"name":"sfrpc"}', /missing field "version"/, '{"name":"sfrpc"}');
  const v = repoManifest();
  v.capabilities.network.allowed_outbound_hosts = ["https://login.*.com"];
  refused(v, /'\*' is allowed only as a leading/, "a wildcard in the middle");
});

test("duplicate keys are refused (serde refuses them; JSON.parse keeps the last)", () => {
  const text = JSON.stringify(repoManifest()).replace('"abi":', '"abi":"sfrpc-sansio/2","abi":');
  assert.equal(JSON.parse(text).abi, "sfrpc-sansio/1");
  refused(text, /duplicate field "abi"/, "top-level duplicate");
  const nested = JSON.stringify(repoManifest()).replace('"allowed_outbound_hosts":', '"allowed_outbound_hosts":["https://evil.example.com"],"allowed_outbound_hosts":');
  refused(nested, /duplicate field "allowed_outbound_hosts"/, "nested duplicate");
});

test("a wrong abi and unknown operations are refused", () => {
  let v = repoManifest();
  v.abi = "sfrpc-sansio/2";
  refused(v, /abi "sfrpc-sansio\/2" is not supported \(this host speaks "sfrpc-sansio\/1"\)/, "abi");
  v = repoManifest();
  v.operations = ["heartbeat", "reset"];
  refused(v, /unknown operation "reset" \(known: heartbeat, change, diagnose\)/, "operation");
});

test("invalid allowlist entries are refused", () => {
  for (const bad of ["login.salesforce.com", "https://*", "https://1.2.3.4", "https://a.com/p"]) {
    const v = repoManifest();
    v.capabilities.network.allowed_outbound_hosts = [bad];
    refused(v, /^invalid manifest: allowlist entry/, bad);
  }
});

test("absent capabilities mean deny-all", () => {
  const v = repoManifest();
  delete v.capabilities;
  assert.deepEqual(parse(v).allowlist, []);
  const n = repoManifest();
  delete n.capabilities.network;
  assert.deepEqual(parseManifest(JSON.stringify(n)), []);
  delete v.other_exit_codes;
  assert.ok(parse(v), "other_exit_codes is optional");
});

test("statuses that disagree with the host are refused", () => {
  const statuses = (f) => {
    const v = repoManifest();
    f(v.statuses);
    return v;
  };
  refused(statuses((l) => { l[1].exit_code = 1; }), /statuses: LoginFailed has exit code 1, sfrpc exits 10/, "wrong exit code");
  refused(statuses((l) => { l.pop(); }), /statuses: UnknownError is listed 0 times/, "a status missing");
  refused(statuses((l) => { l.push({ name: "Timeout", exit_code: 17, description: "x" }); }), /unknown status "Timeout"/, "an unknown status");
  refused(statuses((l) => { l.push({ ...l[0] }); }), /Success is listed 2 times/, "a status listed twice");
  assert.ok(parse(statuses((l) => { l.reverse(); })), "order does not matter");
  assert.deepEqual(Object.fromEntries(STATUS_EXIT_CODES), EXIT_CODES, "the CLI's exit codes");
});

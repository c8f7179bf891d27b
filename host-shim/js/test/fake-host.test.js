// Drives a heartbeat and a change through the real .wasm with a scripted fake transport that
// answers with the canned Salesforce SOAP fixtures (fixtures/soap/).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runJob, REPO_ROOT } from "../src/run.js";
import { parseManifest } from "../src/allowlist.js";
import { manifestWith } from "../test-support/manifest.js";

const soap = (name) => fs.readFileSync(path.join(REPO_ROOT, "fixtures", "soap", name), "utf8");
const allowlist = parseManifest(manifestWith(["https://login.salesforce.com", "https://test.salesforce.com", "https://*.my.salesforce.com"]));
const PASSWORD = "Fixture-Pw-1111";
const NEW_PASSWORD = "Fixture-New-Pw-2222";

function request(operation) {
  const r = {
    operation,
    secret: { id: 7, name: "fake", url: "https://login.salesforce.com", username: "int@acme.com", password: PASSWORD, security_token: "" },
    site: { name: "EARTH", egress_ips: ["203.0.113.7"] },
    org: { trusted_ip_ranges: ["203.0.113.0/24"], login_ip_ranges: [], password_policy: { min_length: 8, complexity: "alpha_numeric" } },
  };
  if (operation === "change") r.new_password = NEW_PASSWORD;
  return r;
}

/** A fake Salesforce: routes by SOAP call, records what it was sent. */
function fakeSalesforce() {
  const seen = [];
  const send = async (req) => {
    const call = /changeOwnPassword/.test(req.body) ? "changeOwnPassword"
      : /<(\w+:)?logout\b/.test(req.body) ? "logout"
      : /<(\w+:)?login\b/.test(req.body) ? "login" : `${req.method} ${new URL(req.url).pathname}`;
    seen.push({ call, url: req.url, body: req.body });
    const xml = { login: "login_success.xml", changeOwnPassword: "change_own_password_ok.xml", logout: "logout_ok.xml" }[call];
    if (!xml) return { response: { status: 404, headers: [["Content-Type", "text/plain"]], body: "not scripted" } };
    return { response: { status: 200, headers: [["Content-Type", "text/xml; charset=utf-8"]], body: soap(xml) } };
  };
  return { seen, send };
}

test("heartbeat through the wasm plugin with canned SOAP answers", async () => {
  const sf = fakeSalesforce();
  const result = await runJob(request("heartbeat"), { allowlist, send: sf.send });
  assert.equal(result.operation, "heartbeat");
  assert.equal(result.status, "Success", `status ${result.status} code ${result.code}`);
  assert.equal(result.active_password, "current");
  assert.equal(result.failed_logins, 0);
  assert.deepEqual(sf.seen.map((s) => s.call), ["login", "logout"], "login then logout");
  assert.ok(sf.seen.every((s) => s.url.startsWith("https://")));
  const out = JSON.stringify(result);
  assert.ok(!out.includes(PASSWORD), "the result carries the password");
});

test("change through the wasm plugin with canned SOAP answers", async () => {
  const sf = fakeSalesforce();
  const result = await runJob(request("change"), { allowlist, send: sf.send });
  assert.equal(result.operation, "change");
  assert.equal(result.status, "Success", `status ${result.status} code ${result.code}`);
  assert.equal(result.active_password, "new");
  assert.deepEqual(sf.seen.map((s) => s.call), ["login", "changeOwnPassword", "login", "logout", "logout"], "the SPEC 2 call order");
  assert.equal(result.failed_logins, 0);
  assert.ok(sf.seen[0].body.includes(PASSWORD) && !sf.seen[0].body.includes(NEW_PASSWORD), "the first login uses the current password");
  assert.ok(sf.seen[2].body.includes(NEW_PASSWORD), "the verification login uses the new password");
  const change = sf.seen[1];
  assert.ok(change.body.includes(NEW_PASSWORD), "changeOwnPassword does not carry the new password");
  const out = JSON.stringify(result);
  assert.ok(!out.includes(PASSWORD) && !out.includes(NEW_PASSWORD), "the result carries a password");
});

test("a URL outside the allowlist is refused before sending (denied, not sent)", async () => {
  const sf = fakeSalesforce();
  const result = await runJob(request("heartbeat"), { allowlist: [], send: sf.send });
  assert.equal(sf.seen.length, 0, "a request left although the allowlist is empty");
  assert.notEqual(result.status, "Success");
  assert.equal(result.active_password, "current");
});

test("a refused login is counted once and never retried", async () => {
  const seen = [];
  const send = async (req) => {
    seen.push(/<(\w+:)?login\b/.test(req.body) ? "login" : "other");
    return { response: { status: 500, headers: [["Content-Type", "text/xml; charset=utf-8"]], body: soap("fault_INVALID_LOGIN.xml") } };
  };
  const result = await runJob(request("change"), { allowlist, send });
  assert.equal(result.status, "LoginFailed", result.code);
  assert.equal(result.failed_logins, 1);
  assert.deepEqual(seen, ["login"], "one login, no retry, no change");
  assert.equal(result.active_password, "current");
});

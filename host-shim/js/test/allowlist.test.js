import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEntry, parseManifest, checkUrl, ManifestError } from "../src/allowlist.js";
import { parseResolve, lookupResolve } from "../src/resolve.js";

const SPEC_HOSTS = ["https://login.salesforce.com", "https://test.salesforce.com", "https://*.my.salesforce.com"];
const manifest = (hosts) => JSON.stringify({ name: "sfrpc", capabilities: { network: { allowed_outbound_hosts: hosts } } });
const allow = parseManifest(manifest(SPEC_HOSTS));

test("valid entries parse with default ports", () => {
  assert.deepEqual(parseEntry("https://*.my.salesforce.com"), {
    scheme: "https", host: "my.salesforce.com", wildcard: true, port: 443, text: "https://*.my.salesforce.com",
  });
  assert.equal(parseEntry("HTTPS://Login.Salesforce.com:8443").port, 8443);
  assert.equal(parseEntry("https://Login.Salesforce.com").host, "login.salesforce.com");
});

test("invalid entries are rejected", () => {
  for (const bad of [
    "login.salesforce.com", "*.my.salesforce.com", "https://login.salesforce.com/", "https://login.salesforce.com/services",
    "https://user@login.salesforce.com", "https://127.0.0.1", "https://[::1]", "https://foo.*.salesforce.com",
    "https://*", "https://*my.salesforce.com", "https://login.salesforce.com:0", "https://login.salesforce.com:99999",
    "ftp://login.salesforce.com", "https://", "https://login.salesforce.com?x=1", 42,
  ]) {
    assert.throws(() => parseEntry(bad), ManifestError, `entry ${String(bad)} should be rejected`);
  }
});

test("manifest parsing: missing list is deny-all, non-list and bad json throw", () => {
  assert.deepEqual(parseManifest("{}"), []);
  assert.deepEqual(parseManifest(manifest([])), []);
  assert.throws(() => parseManifest("{"), ManifestError);
  assert.throws(() => parseManifest("[]"), ManifestError);
  assert.throws(() => parseManifest(manifest("https://login.salesforce.com")), ManifestError);
  assert.throws(() => parseManifest(manifest(["https://login.salesforce.com", "https://10.0.0.1"])), ManifestError);
});

test("the spec hosts are allowed, any number of labels under *.", () => {
  for (const url of [
    "https://login.salesforce.com/services/Soap/u/64.0",
    "https://TEST.salesforce.com/services/oauth2/token",
    "https://acme.my.salesforce.com/services/Soap/u/64.0/00D",
    "https://acme--uat.sandbox.my.salesforce.com/services/data/v64.0",
    "https://login.salesforce.com:443/x",
  ]) {
    assert.equal(checkUrl(allow, url), null, url);
  }
});

test("everything else is denied with a reason naming what to add", () => {
  for (const url of [
    "http://login.salesforce.com/services/Soap/u/64.0",
    "https://login.salesforce.com:8443/services",
    "https://my.salesforce.com/services",
    "https://evil.example.com/services",
    "https://login.salesforce.com.evil.example/services",
    "https://evilmy.salesforce.com/",
    "https://127.0.0.1/services",
    "https://[::1]/services",
    "https://u:p@login.salesforce.com/",
    "not a url",
  ]) {
    const reason = checkUrl(allow, url);
    assert.equal(typeof reason, "string", url);
  }
  assert.match(checkUrl(allow, "https://evil.example.com/x"), /add "https:\/\/evil\.example\.com" to capabilities\.network\.allowed_outbound_hosts/);
  assert.notEqual(checkUrl([], "https://login.salesforce.com/"), null);
});

test("--resolve entries: exact and *. patterns, case-insensitive", () => {
  const entries = ["login.salesforce.com=127.0.0.1:4443", "*.my.salesforce.com=127.0.0.1:5443"].map(parseResolve);
  assert.equal(lookupResolve(entries, "LOGIN.salesforce.com").port, 4443);
  assert.equal(lookupResolve(entries, "a--b.sandbox.my.salesforce.com").port, 5443);
  assert.equal(lookupResolve(entries, "my.salesforce.com"), undefined);
  assert.equal(lookupResolve(entries, "test.salesforce.com"), undefined);
  for (const bad of ["login.salesforce.com", "h=localhost:1", "h=127.0.0.1", "h=127.0.0.1:70000"]) {
    assert.throws(() => parseResolve(bad), Error, bad);
  }
  assert.equal(parseResolve("h=[::1]:443").address, "::1");
});

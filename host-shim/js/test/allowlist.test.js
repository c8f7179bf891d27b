import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEntry, parseManifest, checkUrl, ManifestError } from "../src/allowlist.js";
import { parseResolve, lookupResolve } from "../src/resolve.js";
import { manifestWith } from "../test-support/manifest.js";

const SPEC_HOSTS = ["https://login.salesforce.com", "https://test.salesforce.com", "https://*.my.salesforce.com"];
const manifest = (hosts) => manifestWith(hosts);
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
  assert.deepEqual(parseManifest(manifestWith(undefined)), []);
  assert.deepEqual(parseManifest(manifest([])), []);
  assert.throws(() => parseManifest("{}"), ManifestError);
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

test("entries are refused with the native host's reasons", () => {
  const cases = [
    ["login.salesforce.com", /needs a scheme/], ["://login.salesforce.com", /needs a scheme/],
    ["ftp://login.salesforce.com", /only the https scheme/], ["https://login.salesforce.com/", /no path/],
    ["https://login.salesforce.com?x", /no path/], ["https://user@login.salesforce.com", /userinfo/],
    ["https://127.0.0.1", /IP literals/], ["https://[::1]", /IP literals/], ["https://10.0.0", /IP literals/],
    ["https://*", /leading '\*\.' label/], ["https://*.*.salesforce.com", /leading/], ["https://my.*.salesforce.com", /leading/],
    ["https://*my.salesforce.com", /leading/], ["https://", /leading/], ["https://bad_label.com", /leading/],
    ["https://login.salesforce.com:0", /bad port/], ["https://login.salesforce.com:99999", /bad port/],
    ["https://login.salesforce.com:", /bad port/],
  ];
  for (const [entry, reason] of cases) {
    assert.throws(() => parseEntry(entry), (e) => e instanceof ManifestError && reason.test(e.message), entry);
  }
});

test("only ASCII is lower-cased: the Kelvin sign is not a k", () => {
  // "\u212A".toLowerCase() === "k": a naive host would accept these as login/k... names.
  assert.equal("\u212A".toLowerCase(), "k");
  assert.throws(() => parseEntry("https://\u212Aacme.my.salesforce.com"), ManifestError);
  assert.throws(() => parseResolve("\u212Aacme.my.salesforce.com=127.0.0.1:443"), Error);
  const e = parseResolve("acme.my.salesforce.com=127.0.0.1:443");
  assert.equal(lookupResolve([e], "\u212Aacme.my.salesforce.com"), undefined);
  assert.equal(lookupResolve([e], "ACME.my.salesforce.com."), e);
});

test("request hosts must be valid host names, as natively", () => {
  for (const url of ["https://foo_bar.my.salesforce.com/", "https://*.my.salesforce.com/", "https://a..my.salesforce.com/", "https://-a.my.salesforce.com/"]) {
    assert.match(checkUrl(allow, url) ?? "allowed", /is not a valid host name/, url);
  }
  assert.equal(checkUrl(allow, "https://login.salesforce.com./x"), null, "one trailing dot is ignored");
  assert.match(checkUrl(allow, "https://127.1/"), /^https:\/\/127\.0\.0\.1 is an IP literal/);
  assert.match(checkUrl(allow, "https://[::1]:8443/"), /^https:\/\/\[::1\]:8443 is an IP literal/);
  assert.equal(checkUrl(allow, "https://evil.example.net/services/Soap/u/64.0?sid=abc"),
    'https://evil.example.net is not in the manifest allowlist; add "https://evil.example.net" to capabilities.network.allowed_outbound_hosts in manifest.json');
  assert.doesNotMatch(checkUrl(allow, "https://u:p@login.salesforce.com/"), /u:p/);
});

test("--resolve is parsed like the native host's", () => {
  for (const bad of ["*=127.0.0.1:443", "a.*.com=127.0.0.1:443", "a..com=127.0.0.1:443", "=127.0.0.1:443",
    "login.salesforce.com=localhost:443", "login.salesforce.com=::1:443", "login.salesforce.com=127.0.0.1:65536", "a_b.com=127.0.0.1:1"]) {
    assert.throws(() => parseResolve(bad), /--resolve .*expected HOST=ADDR:PORT/, bad);
  }
  const dotted = parseResolve("Login.Salesforce.com.=127.0.0.1:8443");
  assert.deepEqual(dotted, { host: "login.salesforce.com", wildcard: false, address: "127.0.0.1", port: 8443 });
  assert.equal(lookupResolve([dotted], "login.salesforce.com"), dotted);
  const first = [parseResolve("acme.my.salesforce.com=127.0.0.1:1"), parseResolve("*.my.salesforce.com=127.0.0.1:2")];
  assert.equal(lookupResolve(first, "acme.my.salesforce.com").port, 1);
  assert.equal(lookupResolve(first, "globex.my.salesforce.com").port, 2);
  assert.equal(lookupResolve(first, "acmemy.salesforce.com"), undefined);
});

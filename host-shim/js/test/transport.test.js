// Node's https transport: against the real emulator (real hostnames via --resolve, its CA)
// and against local servers with a self-made certificate for the fault paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { send, classify, trustContext, pemCertificates, readCaCerts, CaCertError, USER_AGENT, MAX_RESPONSE_BYTES } from "../src/transport.js";
import { parseResolve } from "../src/resolve.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";
import { spawn } from "node:child_process";
import { startHttps, startTcp, TEST_CA, TEST_CA_PATH, OTHER_CA_PATH } from "../test-support/tls-server.js";
import { REPO_ROOT } from "../src/run.js";

const orgs = () => {
  const dir = path.join(REPO_ROOT, "fixtures", "orgs");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  assert.ok(files.length > 0, "fixtures/orgs/ has no org files yet");
  return files.map((f) => path.join(dir, f));
};
const to = (port, host = "login.salesforce.com") => [parseResolve(`${host}=127.0.0.1:${port}`)];
const get = (url, options) => send({ method: "GET", url, headers: [], body: "" }, { timeoutMs: 5000, ...options });
const kind = (answer) => [answer.error?.kind, answer.error?.maybe_sent];

test("https via --resolve keeps the real hostname (SNI, certificate) and trusts --ca-cert", async () => {
  const emu = await startEmulator(orgs());
  try {
    const resolve = resolveTo(emu.port).map(parseResolve);
    const ok = await get("https://login.salesforce.com/__emulator/state", { secureContext: trustContext([emu.ca]), resolve });
    assert.equal(ok.response?.status, 200);
    const sub = await get("https://acme--uat.sandbox.my.salesforce.com/__emulator/state", { secureContext: trustContext([emu.ca]), resolve });
    assert.equal(sub.response?.status, 200);
    const untrusted = await get("https://login.salesforce.com/__emulator/state", { resolve });
    assert.deepEqual(kind(untrusted), ["tls", false]);
    // Two extra roots (--ca-cert twice): both are trusted.
    const both = trustContext([TEST_CA, emu.ca]);
    assert.equal((await get("https://login.salesforce.com/__emulator/state", { secureContext: both, resolve })).response?.status, 200);
    const local = await startHttps((req, res) => res.end("ok"));
    try {
      assert.equal((await get("https://login.salesforce.com/", { secureContext: both, resolve: to(local.port) })).response?.status, 200);
    } finally {
      await local.close();
    }
  } finally {
    emu.stop();
  }
});

test("--ca-cert adds to Node's trust roots instead of replacing them", async () => {
  // A child Node whose default store holds the test CA (NODE_EXTRA_CA_CERTS): with another
  // --ca-cert on top, the server signed by the test CA must still be trusted.
  const server = await startHttps((req, res) => res.end("ok"));
  try {
    const script = `
      import { send, trustContext } from ${JSON.stringify(path.join(REPO_ROOT, "host-shim/js/src/transport.js"))};
      import { parseResolve } from ${JSON.stringify(path.join(REPO_ROOT, "host-shim/js/src/resolve.js"))};
      import fs from "node:fs";
      const resolve = [parseResolve("login.salesforce.com=127.0.0.1:${server.port}")];
      const req = { method: "GET", url: "https://login.salesforce.com/", headers: [], body: "" };
      const extra = await send(req, { secureContext: trustContext([fs.readFileSync(${JSON.stringify(OTHER_CA_PATH)}, "utf8")]), resolve, timeoutMs: 5000 });
      const defaults = await send(req, { resolve, timeoutMs: 5000 });
      console.log(JSON.stringify([extra.response?.status ?? extra.error.kind, defaults.response?.status ?? defaults.error.kind]));`;
    const out = await new Promise((resolvePromise) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: TEST_CA_PATH } });
      let text = "";
      child.stdout.on("data", (c) => { text += c; });
      child.on("close", () => resolvePromise(text));
    });
    assert.deepEqual(JSON.parse(out), [200, 200], "Node's default roots stay trusted next to --ca-cert");
  } finally {
    await server.close();
  }
  assert.equal(trustContext([]), undefined, "no extra roots: Node's defaults");
});

test("a --ca-cert file without a certificate is refused", () => {
  assert.deepEqual(readCaCerts([TEST_CA_PATH]), pemCertificates(TEST_CA));
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, "target", "sfrpc-node-ca-"));
  try {
    const empty = path.join(dir, "empty.pem");
    fs.writeFileSync(empty, "not a certificate\n");
    assert.throws(() => readCaCerts([empty]), (e) => e instanceof CaCertError && /no PEM certificate in the file/.test(e.message));
    const broken = path.join(dir, "broken.pem");
    fs.writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assert.throws(() => readCaCerts([broken]), CaCertError);
    assert.throws(() => readCaCerts([path.join(dir, "missing.pem")]), /--ca-cert .*missing\.pem/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a refused connection is connect, not sent", async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  assert.deepEqual(kind(await get("https://login.salesforce.com/", { resolve: to(port) })), ["connect", false]);
});

test("a reset during the TLS handshake is connect, not sent", async () => {
  const server = await startTcp((s) => s.resetAndDestroy());
  try {
    assert.deepEqual(kind(await get("https://login.salesforce.com/", { resolve: to(server.port) })), ["connect", false]);
  } finally {
    await server.close();
  }
});

test("a server that accepts and never answers the handshake is a timeout, not sent", async () => {
  const server = await startTcp(() => {});
  try {
    const answer = await get("https://login.salesforce.com/", { resolve: to(server.port), timeoutMs: 300 });
    assert.deepEqual(kind(answer), ["timeout", false], "the TLS handshake never finished, so nothing was sent");
  } finally {
    await server.close();
  }
});

test("a timeout after the request was sent is maybe_sent", async () => {
  let got = false;
  const server = await startHttps((req) => {
    got = true;
    req.resume();
  });
  try {
    const answer = await get("https://login.salesforce.com/", { secureContext: trustContext([TEST_CA]), resolve: to(server.port), timeoutMs: 500 });
    assert.deepEqual(kind(answer), ["timeout", true]);
    assert.ok(got, "the server saw the request");
  } finally {
    await server.close();
  }
});

test("ETIMEDOUT is a timeout; DNS failures are dns", () => {
  assert.deepEqual([classify({ code: "ETIMEDOUT" }, "connect").kind, classify({ code: "ETIMEDOUT" }, "connect").maybe_sent], ["timeout", false]);
  assert.deepEqual([classify({ code: "ETIMEDOUT" }, "sent").kind, classify({ code: "ETIMEDOUT" }, "sent").maybe_sent], ["timeout", true]);
  assert.equal(classify({ code: "ENOTFOUND" }, "connect").kind, "dns");
  assert.equal(classify({ code: "ECONNRESET", message: "Client network socket disconnected before secure TLS connection was established" }, "connect").kind, "connect");
  assert.equal(classify({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, "connect").kind, "tls");
  assert.deepEqual([classify({ code: "ECONNRESET" }, "sent").kind, classify({ code: "ECONNRESET" }, "sent").maybe_sent], ["reset", true]);
});

test("a chunked body over 1 MiB is too_large", async () => {
  const server = await startHttps((req, res) => {
    res.writeHead(200, { "Content-Type": "text/xml" }); // no Content-Length: chunked
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let n = 0;
    const more = () => {
      while (n < 24) {
        n++;
        if (!res.write(chunk)) return res.once("drain", more);
      }
      res.end();
    };
    more();
  });
  try {
    const answer = await get("https://login.salesforce.com/", { secureContext: trustContext([TEST_CA]), resolve: to(server.port) });
    assert.deepEqual(kind(answer), ["too_large", true]);
    assert.match(answer.error.detail, new RegExp(String(MAX_RESPONSE_BYTES)));
  } finally {
    await server.close();
  }
});

test("a body of exactly 1 MiB is accepted", async () => {
  const server = await startHttps((req, res) => {
    res.writeHead(200);
    res.end(Buffer.alloc(MAX_RESPONSE_BYTES, 0x61));
  });
  try {
    const answer = await get("https://login.salesforce.com/", { secureContext: trustContext([TEST_CA]), resolve: to(server.port) });
    assert.equal(answer.response?.body.length, MAX_RESPONSE_BYTES);
  } finally {
    await server.close();
  }
});

test("a reset mid-body is reset, maybe sent", async () => {
  const server = await startHttps((req, res) => {
    res.writeHead(200, { "Content-Length": "1000" });
    res.write("<soapenv:Envelope");
    setTimeout(() => res.socket.destroy(), 50);
  });
  try {
    const answer = await get("https://login.salesforce.com/", { secureContext: trustContext([TEST_CA]), resolve: to(server.port) });
    assert.deepEqual(kind(answer), ["reset", true]);
  } finally {
    await server.close();
  }
});

test("headers go as a raw list with a User-Agent; a --resolve port stays out of Host", async () => {
  let seen;
  const server = await startHttps((req, res) => {
    seen = req.rawHeaders;
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  try {
    const answer = await send({
      method: "POST", url: "https://acme.my.salesforce.com/services/Soap/u/64.0", body: "<x/>",
      headers: [["Content-Type", "text/xml"], ["X-Repeated", "one"], ["X-Repeated", "two"], ["SOAPAction", '""']],
    }, { secureContext: trustContext([TEST_CA]), resolve: to(server.port, "*.my.salesforce.com"), timeoutMs: 5000 });
    assert.equal(answer.response?.status, 200);
    const pairs = [];
    for (let i = 0; i < seen.length; i += 2) pairs.push([seen[i].toLowerCase(), seen[i + 1]]);
    const values = (n) => pairs.filter(([k]) => k === n).map(([, v]) => v);
    assert.deepEqual(values("x-repeated"), ["one", "two"], "repeated names are kept");
    assert.deepEqual(values("host"), ["acme.my.salesforce.com"], `the Host header, not 127.0.0.1:${server.port}`);
    assert.deepEqual(values("user-agent"), [USER_AGENT]);
    assert.deepEqual(values("content-length"), ["4"]);
  } finally {
    await server.close();
  }
});

test("the User-Agent is the native host's: sfrpc/<workspace version>", () => {
  const cargo = fs.readFileSync(path.join(REPO_ROOT, "Cargo.toml"), "utf8");
  const version = /\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/.exec(cargo)?.[1];
  assert.ok(version, "workspace.package.version in Cargo.toml");
  assert.equal(USER_AGENT, `sfrpc/${version}`);
});

test("a request Node refuses to build is denied, not sent, and never throws", async () => {
  const answer = await send({ method: "GET", url: "https://login.salesforce.com/", headers: [["Bad Header\n", "x"]], body: "" }, { timeoutMs: 1000 });
  assert.deepEqual(kind(answer), ["denied", false]);
  const bad = await send({ method: "GET", url: "not a url", headers: [], body: "" }, { timeoutMs: 1000 });
  assert.deepEqual(kind(bad), ["denied", false]);
});

test("a trailing dot in the host name still verifies the certificate", async () => {
  const server = await startHttps((req, res) => res.end("ok"));
  try {
    const answer = await get("https://login.salesforce.com./", { secureContext: trustContext([TEST_CA]), resolve: to(server.port) });
    assert.equal(answer.response?.status, 200, answer.error?.kind);
  } finally {
    await server.close();
  }
});

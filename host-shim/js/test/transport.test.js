// Node's https transport against the real emulator: real hostnames via --resolve, custom CA.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { send } from "../src/transport.js";
import { parseResolve } from "../src/resolve.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";
import { REPO_ROOT } from "../src/run.js";
import fs from "node:fs";
import path from "node:path";

const orgs = () => {
  const dir = path.join(REPO_ROOT, "fixtures", "orgs");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  assert.ok(files.length > 0, "fixtures/orgs/ has no org files yet");
  return files.map((f) => path.join(dir, f));
};

test("https via --resolve keeps the real hostname (SNI, certificate) and trusts --ca-cert", async () => {
  const emu = await startEmulator(orgs());
  try {
    const resolve = resolveTo(emu.port).map(parseResolve);
    const get = (url, ca) => send({ method: "GET", url, headers: [], body: "" }, { ca, resolve, timeoutMs: 10000 });
    const ok = await get("https://login.salesforce.com/__emulator/state", emu.ca);
    assert.equal(ok.response?.status, 200);
    const sub = await get("https://acme--uat.sandbox.my.salesforce.com/__emulator/state", emu.ca);
    assert.equal(sub.response?.status, 200);
    const untrusted = await get("https://login.salesforce.com/__emulator/state", undefined);
    assert.deepEqual([untrusted.error?.kind, untrusted.error?.maybe_sent], ["tls", false]);
  } finally {
    emu.stop();
  }
});

test("a refused connection is connect, not sent", async () => {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  await new Promise((r) => server.close(r));
  const answer = await send({ method: "GET", url: "https://login.salesforce.com/", headers: [], body: "" },
    { resolve: [parseResolve(`login.salesforce.com=127.0.0.1:${port}`)], timeoutMs: 5000 });
  assert.deepEqual([answer.error?.kind, answer.error?.maybe_sent], ["connect", false]);
});

test("a server that accepts and never answers is a timeout", async () => {
  const sockets = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    const answer = await send({ method: "GET", url: "https://login.salesforce.com/", headers: [], body: "" },
      { resolve: [parseResolve(`login.salesforce.com=127.0.0.1:${server.address().port}`)], timeoutMs: 300 });
    assert.equal(answer.error?.kind, "timeout");
    assert.equal(answer.error?.maybe_sent, false, "the TLS handshake never finished, so nothing was sent");
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

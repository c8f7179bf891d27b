// A local HTTPS server with a self-made certificate (test-support/tls/: a test CA and a leaf
// for login.salesforce.com, test.salesforce.com, *.my.salesforce.com, localhost; tests only).
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "tls");
/** The test CA's certificate (PEM) and its path. */
export const TEST_CA_PATH = path.join(dir, "ca.pem");
export const TEST_CA = fs.readFileSync(TEST_CA_PATH, "utf8");
/** Another CA (self-signed, its key thrown away): a second --ca-cert that signs nothing here. */
export const OTHER_CA_PATH = path.join(dir, "other-ca.pem");

/** Starts an HTTPS server on 127.0.0.1:0 running `handler(req, res)`; resolves to {port, close}. */
export async function startHttps(handler) {
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, "server.key")), cert: fs.readFileSync(path.join(dir, "server.pem")) }, handler);
  return listen(server);
}

/** Starts a plain TCP server on 127.0.0.1:0 running `onSocket(socket)`. */
export async function startTcp(onSocket) {
  return listen(net.createServer(onSocket));
}

async function listen(server) {
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const close = () => new Promise((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  });
  return { port: server.address().port, close };
}

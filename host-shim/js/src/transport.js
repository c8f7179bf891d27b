// One HTTPS exchange over Node's `https`: Node's trust roots plus --ca-cert, --resolve mapping
// (SNI and Host keep the real host), no redirects followed, a 1 MiB response cap and a
// per-request timeout. Returns either {response: {status, headers, body}} or
// {error: {kind, maybe_sent, detail}}, classified like the native host-shim/src/transport.rs.

import crypto from "node:crypto";
import dns from "node:dns";
import fs from "node:fs";
import https from "node:https";
import tls from "node:tls";
import { createRequire } from "node:module";
import { lookupResolve } from "./resolve.js";

/** Response size cap (1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The User-Agent both hosts send: `sfrpc/<version>` (the native host's CARGO_PKG_VERSION). */
export const USER_AGENT = `sfrpc/${createRequire(import.meta.url)("../package.json").version}`;

/** An unusable --ca-cert file (a usage error: exit 2). */
export class CaCertError extends Error {
  constructor(path, reason) {
    super(`--ca-cert ${path}: ${reason}`);
    this.name = "CaCertError";
  }
}

/** The certificates of a PEM bundle; throws CaCertError when one is invalid or there is none. */
export function pemCertificates(text, path = "(inline)") {
  const blocks = String(text).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const block of blocks) {
    try {
      new crypto.X509Certificate(block);
    } catch {
      throw new CaCertError(path, "invalid PEM certificate");
    }
  }
  if (blocks.length === 0) throw new CaCertError(path, "no PEM certificate in the file");
  return blocks;
}

/** Reads --ca-cert files (each may be a bundle); throws CaCertError. */
export function readCaCerts(paths) {
  return paths.flatMap((p) => {
    let text;
    try {
      text = fs.readFileSync(p, "utf8");
    } catch (e) {
      throw new CaCertError(p, e.code === "ENOENT" ? "no such file" : `cannot read it (${e.code ?? "error"})`);
    }
    return pemCertificates(text, p);
  });
}

/**
 * The TLS context for a job: Node's default trust roots (its bundled roots and
 * NODE_EXTRA_CA_CERTS) plus these extra certificates, or undefined (Node's defaults) without
 * any. (Node's `ca` option would replace the default roots, and passing them all back in
 * costs ~50 ms per context, so the extras are added to a default context's own copy of the
 * store.) Pass it to send() as `secureContext`.
 */
export function trustContext(extraPems = []) {
  if (extraPems.length === 0) return undefined;
  // Building a context costs ~50 ms when NODE_EXTRA_CA_CERTS names a full system bundle:
  // a long-lived process (a vault) reuses one per set of extra roots.
  const key = `${process.env.NODE_EXTRA_CA_CERTS ?? ""}\n${extraPems.join("\n")}`;
  let context = contexts.get(key);
  if (context === undefined) {
    context = buildTrustContext(extraPems);
    if (contexts.size >= 8) contexts.delete(contexts.keys().next().value);
    contexts.set(key, context);
  }
  return context;
}

const contexts = new Map();

function buildTrustContext(extraPems) {
  const context = tls.createSecureContext();
  if (typeof context.context?.addCACert !== "function") {
    return tls.createSecureContext({ ca: [...tls.rootCertificates, ...nodeExtraCaCerts(), ...extraPems] });
  }
  // The context's store is a fresh copy of Node's bundled roots, which leaves out
  // NODE_EXTRA_CA_CERTS: add those back first.
  for (const pem of nodeExtraCaCerts()) context.context.addCACert(pem);
  for (const pem of extraPems) context.context.addCACert(pem);
  return context;
}

/** The certificates of NODE_EXTRA_CA_CERTS (Node warns about an unreadable file itself). */
function nodeExtraCaCerts() {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return fs.readFileSync(file, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  } catch {
    return [];
  }
}

// OpenSSL / Node codes of a certificate or TLS protocol failure (rustls::Error natively).
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|EPROTO$)/;
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);

/**
 * Maps a socket error to the plugin's vocabulary. `maybe_sent` is false only when the request
 * surely never left: DNS, TCP connect, TLS handshake (phase "connect").
 */
export function classify(err, phase) {
  const code = String(err?.code ?? "");
  if (DNS_CODES.has(code)) return { kind: "dns", maybe_sent: false, detail: "the host name did not resolve" };
  if (phase === "connect") {
    if (TLS_CODES.test(code)) return { kind: "tls", maybe_sent: false, detail: "the TLS handshake failed" };
    if (code === "ETIMEDOUT") return { kind: "timeout", maybe_sent: false, detail: "timed out while connecting" };
    // Refused, unreachable, or reset/closed during the TCP or TLS handshake.
    return { kind: "connect", maybe_sent: false, detail: "the connection could not be made" };
  }
  if (code === "ETIMEDOUT") return { kind: "timeout", maybe_sent: true, detail: "no complete answer within the timeout" };
  return { kind: "reset", maybe_sent: true, detail: "the connection closed before a complete answer" };
}

/** The request's headers as Node's raw list, repeated names kept, plus Host, User-Agent, Content-Length. */
function rawHeaders(req, url, body) {
  const raw = [];
  const has = new Set();
  for (const [n, v] of req.headers ?? []) {
    raw.push(String(n), String(v));
    has.add(String(n).toLowerCase());
  }
  // The Host header names the URL's authority, not the --resolve target's port (as curl does).
  if (!has.has("host")) raw.push("Host", url.host);
  if (!has.has("user-agent")) raw.push("User-Agent", USER_AGENT);
  if (!has.has("content-length") && (body.length > 0 || req.method === "POST")) raw.push("Content-Length", String(body.length));
  return raw;
}

/**
 * Sends `req` ({method, url, headers: [[n, v]], body}). options: {secureContext (from trustContext),
 * resolve (parsed entries), timeoutMs, agent}. Never rejects. Never puts header values or
 * bodies into error details.
 */
export function send(req, options = {}) {
  return new Promise((resolvePromise) => {
    let settled = false;
    let phase = "connect";
    let timer;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(value);
    };
    let r;
    try {
      const url = new URL(req.url);
      const mapping = lookupResolve(options.resolve ?? [], url.hostname);
      const body = Buffer.from(req.body ?? "", "utf8");
      const lookup = mapping
        ? (_host, opts, cb) => {
            const family = mapping.address.includes(":") ? 6 : 4;
            if (opts && opts.all) cb(null, [{ address: mapping.address, family }]);
            else cb(null, mapping.address, family);
          }
        : dns.lookup;
      r = https.request({
        method: req.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: mapping ? mapping.port : url.port === "" ? 443 : Number(url.port),
        path: url.pathname + url.search,
        headers: rawHeaders(req, url, body),
        servername: url.hostname,
        secureContext: options.secureContext,
        lookup,
        agent: options.agent ?? false, // no shared pool: a pooled socket could carry another trust
      });
      timer = setTimeout(() => {
        finish({ error: { kind: "timeout", maybe_sent: phase !== "connect", detail: phase === "connect" ? "timed out while connecting" : "no complete answer within the timeout" } });
        r.destroy();
      }, options.timeoutMs ?? 30000);
      r.on("socket", (socket) => {
        if (!socket.connecting && !socket.pending) phase = "sent"; // a reused keep-alive connection
        else socket.once("secureConnect", () => { phase = "sent"; });
      });
      r.on("error", (err) => finish({ error: classify(err, phase) }));
      r.on("response", (res) => onResponse(res, finish));
      r.end(body);
    } catch {
      // An invalid method, header or URL that Node refuses outright: nothing left the host.
      finish({ error: { kind: "denied", maybe_sent: false, detail: "the plugin asked for a request that is not valid HTTP" } });
      r?.destroy();
    }
  });
}

function onResponse(res, finish) {
  const tooLarge = () => {
    finish({ error: { kind: "too_large", maybe_sent: true, detail: `the response exceeded ${MAX_RESPONSE_BYTES} bytes` } });
    res.destroy();
  };
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    tooLarge();
    return;
  }
  const chunks = [];
  let size = 0;
  res.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  res.on("end", () => {
    if (!res.complete) return; // "aborted" / "error" reports it
    const pairs = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
    finish({ response: { status: res.statusCode, headers: pairs, body: Buffer.concat(chunks).toString("utf8") } });
  });
  const reset = () => finish({ error: { kind: "reset", maybe_sent: true, detail: "the connection closed before a complete answer" } });
  res.on("error", reset);
  res.on("aborted", reset);
  res.on("close", () => {
    if (!res.complete) reset();
  });
}

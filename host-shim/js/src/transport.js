// One HTTPS exchange over Node's `https`: custom CA, --resolve mapping (SNI = real host),
// no redirects followed, a response size cap and a per-request timeout. Returns either
// {response: {status, headers, body}} or {error: {kind, maybe_sent, detail}}.

import https from "node:https";
import dns from "node:dns";
import { lookupResolve } from "./resolve.js";

/** Response size cap (1 MiB). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|HOSTNAME|ALTNAME|EPROTO/i;

/** Classifies a socket error before the request was fully written. */
function classify(err, phase) {
  const code = String(err?.code ?? "");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return { kind: "dns", maybe_sent: false };
  if (phase === "connect") {
    if (TLS_CODES.test(code) || TLS_CODES.test(String(err?.message ?? ""))) return { kind: "tls", maybe_sent: false };
    if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EADDRNOTAVAIL") {
      return { kind: "connect", maybe_sent: false };
    }
    if (code === "ECONNRESET" || code === "EPIPE") return { kind: "reset", maybe_sent: false };
    return { kind: "connect", maybe_sent: false };
  }
  return { kind: "reset", maybe_sent: true };
}

/**
 * Sends `req` ({method, url, headers: [[n, v]], body}). options: {ca, resolve, timeoutMs}.
 * Never rejects. Never puts header values or bodies into error details.
 */
export function send(req, options) {
  const url = new URL(req.url);
  const mapping = lookupResolve(options.resolve ?? [], url.hostname);
  const headers = {};
  for (const [n, v] of req.headers) headers[n] = v;
  const body = Buffer.from(req.body ?? "", "utf8");
  // The Host header names the URL's authority, not the --resolve target's port (as curl does).
  if (!Object.keys(headers).some((n) => n.toLowerCase() === "host")) headers.Host = url.host;
  const hasLength = Object.keys(headers).some((n) => n.toLowerCase() === "content-length");
  if (!hasLength && (body.length > 0 || req.method === "POST")) headers["Content-Length"] = String(body.length);
  const lookup = mapping
    ? (_host, opts, cb) => {
        const family = mapping.address.includes(":") ? 6 : 4;
        if (opts && opts.all) cb(null, [{ address: mapping.address, family }]);
        else cb(null, mapping.address, family);
      }
    : dns.lookup;
  return new Promise((resolvePromise) => {
    let settled = false;
    let phase = "connect";
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(value);
    };
    const r = https.request({
      method: req.method,
      hostname: url.hostname,
      port: mapping ? mapping.port : url.port === "" ? 443 : Number(url.port),
      path: url.pathname + url.search,
      headers,
      servername: url.hostname,
      ca: options.ca,
      lookup,
      agent: options.agent,
    });
    const timer = setTimeout(() => {
      finish({ error: { kind: "timeout", maybe_sent: phase !== "connect", detail: "no complete answer within the timeout" } });
      r.destroy();
    }, options.timeoutMs ?? 30000);
    r.on("socket", (socket) => {
      socket.once("secureConnect", () => {
        phase = "sent";
      });
      if (!socket.connecting) phase = "sent"; // a reused keep-alive connection
    });
    r.on("error", (err) => {
      const e = classify(err, phase);
      finish({ error: { ...e, detail: `${e.kind} error (${err?.code ?? "unknown"})` } });
    });
    r.on("response", (res) => {
      const chunks = [];
      let size = 0;
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
        finish({ error: { kind: "too_large", maybe_sent: true, detail: "response exceeds 1 MiB" } });
        res.destroy();
        return;
      }
      res.on("data", (chunk) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          finish({ error: { kind: "too_large", maybe_sent: true, detail: "response exceeds 1 MiB" } });
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        const pairs = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
        finish({ response: { status: res.statusCode, headers: pairs, body: Buffer.concat(chunks).toString("utf8") } });
      });
      res.on("error", () => finish({ error: { kind: "reset", maybe_sent: true, detail: "connection reset while reading the answer" } }));
      res.on("aborted", () => finish({ error: { kind: "reset", maybe_sent: true, detail: "connection closed mid-answer" } }));
    });
    r.end(body);
  });
}

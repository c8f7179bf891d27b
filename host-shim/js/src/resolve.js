// `--resolve HOST=ADDR:PORT` mappings (like curl's, but HOST may start with `*.` matching one
// or more labels). Connections go to ADDR:PORT while TLS SNI and the Host header keep HOST.
// Parsed like the native host's host-shim/src/resolve.rs.

import { isIPv4, isIPv6 } from "node:net";
import { asciiLower } from "./allowlist.js";

const EXAMPLE = "expected HOST=ADDR:PORT, e.g. login.salesforce.com=127.0.0.1:8443 or *.my.salesforce.com=127.0.0.1:8443";

/** Splits `ADDR:PORT` (`[v6]:PORT` for IPv6) as Rust's SocketAddr parses it, or null. */
function socketAddr(text) {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]+)$/.exec(text);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  if (m[1] !== undefined) return isIPv6(m[1]) ? { address: m[1], port } : null;
  return isIPv4(m[2]) ? { address: m[2], port } : null;
}

/** Parses `HOST=ADDR:PORT` into {host, wildcard, address, port}. Throws on a bad form. */
export function parseResolve(text) {
  const err = (reason) => new Error(`--resolve ${JSON.stringify(text)}: ${reason} (${EXAMPLE})`);
  const eq = text.indexOf("=");
  if (eq === -1) throw err("no '='");
  const addr = socketAddr(text.slice(eq + 1));
  if (!addr) throw err("ADDR:PORT is not an address");
  let host = asciiLower(text.slice(0, eq).replace(/\.+$/, ""));
  let wildcard = false;
  if (host.startsWith("*.")) {
    wildcard = true;
    host = host.slice(2);
  }
  if (host === "" || !host.split(".").every((l) => /^[A-Za-z0-9-]+$/.test(l))) {
    throw err("HOST must be a host name, optionally starting with '*.'");
  }
  return { host, wildcard, address: addr.address, port: addr.port };
}

/** Whether mapping `e` covers `hostname` (ASCII case-insensitive; trailing dots ignored). */
export function resolveMatches(e, hostname) {
  const h = asciiLower(hostname.replace(/\.+$/, ""));
  return e.wildcard ? h.length > e.host.length + 1 && h.endsWith(`.${e.host}`) : h === e.host;
}

/** The first mapping matching `hostname`, or undefined. */
export function lookupResolve(entries, hostname) {
  return entries.find((e) => resolveMatches(e, hostname));
}

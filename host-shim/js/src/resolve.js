// `--resolve HOST=ADDR:PORT` mappings (like curl's, but HOST may start with `*.` matching one
// or more labels). Connections go to ADDR:PORT while TLS SNI and the Host header keep HOST.

import { isIP } from "node:net";

/** Parses `HOST=ADDR:PORT` into {pattern, wildcard, address, port}. Throws on a bad form. */
export function parseResolve(text) {
  const m = /^([^=]+)=(\[[^\]]+\]|[^:]+):([0-9]{1,5})$/.exec(text);
  if (!m) throw new Error(`--resolve wants HOST=ADDR:PORT, got ${JSON.stringify(text)}`);
  let host = m[1].toLowerCase();
  const address = m[2].replace(/^\[|\]$/g, "");
  const port = Number(m[3]);
  if (isIP(address) === 0) throw new Error(`--resolve address must be an IP address: ${JSON.stringify(text)}`);
  if (port < 1 || port > 65535) throw new Error(`--resolve port out of range: ${JSON.stringify(text)}`);
  let wildcard = false;
  if (host.startsWith("*.")) {
    wildcard = true;
    host = host.slice(2);
  }
  return { host, wildcard, address, port };
}

/** The first mapping matching `hostname`, or undefined. */
export function lookupResolve(entries, hostname) {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return entries.find((e) => (e.wildcard ? h.endsWith("." + e.host) : h === e.host));
}

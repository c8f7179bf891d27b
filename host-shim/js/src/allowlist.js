// The manifest's network allowlist (SPEC 7), parsed strictly and matched on parsed URLs.
// Mirrors the native host's rules: entries need a scheme, `*` only as a leading `*.` label
// (matching one or more labels), no path, query, userinfo or IP literal; the port defaults
// from the scheme; an empty list denies everything.

import { isIP } from "node:net";

const DEFAULT_PORTS = { https: 443, http: 80 };
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Error for an invalid manifest or allowlist entry. */
export class ManifestError extends Error {
  constructor(message) {
    super(message);
    this.name = "ManifestError";
  }
}

/** Parses one allowlist entry such as `https://*.my.salesforce.com` into {scheme, host, wildcard, port}. */
export function parseEntry(entry) {
  if (typeof entry !== "string") throw new ManifestError("allowlist entry must be a string");
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)$/i.exec(entry);
  if (!m) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)} needs a scheme and no path`);
  const scheme = m[1].toLowerCase();
  if (!(scheme in DEFAULT_PORTS)) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: unsupported scheme`);
  let authority = m[2];
  if (authority.includes("@")) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: userinfo is not allowed`);
  if (authority.startsWith("[")) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: IP literals are not allowed`);
  let port = DEFAULT_PORTS[scheme];
  const colon = authority.lastIndexOf(":");
  if (colon !== -1) {
    const p = authority.slice(colon + 1);
    if (!/^[0-9]{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
      throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: bad port`);
    }
    port = Number(p);
    authority = authority.slice(0, colon);
  }
  let host = authority.toLowerCase();
  let wildcard = false;
  if (host.startsWith("*.")) {
    wildcard = true;
    host = host.slice(2);
  }
  if (host === "" ) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: empty host`);
  if (isIP(host) !== 0) throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: IP literals are not allowed`);
  const labels = host.split(".");
  if (!labels.every((l) => LABEL.test(l))) {
    throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: '*' is allowed only as a leading '*.' label`);
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) {
    throw new ManifestError(`allowlist entry ${JSON.stringify(entry)}: IP literals are not allowed`);
  }
  return { scheme, host, wildcard, port, text: entry };
}

/** Parses manifest.json text; returns the parsed allowlist entries. Throws ManifestError. */
export function parseManifest(text) {
  let manifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new ManifestError("manifest.json is not valid JSON");
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new ManifestError("manifest.json must be an object");
  }
  const caps = manifest.capabilities;
  if (caps === undefined) return [];
  const net = caps?.network;
  if (net === undefined) return [];
  const hosts = net?.allowed_outbound_hosts;
  if (hosts === undefined) return [];
  if (!Array.isArray(hosts)) throw new ManifestError("allowed_outbound_hosts must be a list");
  return hosts.map(parseEntry);
}

/** Whether host name `host` (lower-case) matches entry `e`. */
function hostMatches(e, host) {
  if (e.wildcard) return host.endsWith("." + e.host) && host.length > e.host.length + 1;
  return host === e.host;
}

/**
 * Checks a URL the plugin wants fetched. Returns null when allowed, or an operator-facing
 * reason (saying what to add to the manifest) when denied. Only https is ever allowed.
 */
export function checkUrl(allowlist, urlText) {
  let url;
  try {
    url = new URL(urlText);
  } catch {
    return "the plugin asked for a URL that does not parse";
  }
  if (url.protocol !== "https:") return `only https is allowed (got ${url.protocol.replace(":", "")})`;
  if (url.username !== "" || url.password !== "") return "URLs with userinfo are not allowed";
  let host = url.hostname.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  const port = url.port === "" ? 443 : Number(url.port);
  const origin = port === 443 ? `https://${host}` : `https://${host}:${port}`;
  if (host.startsWith("[") || isIP(host) !== 0) {
    return `${origin} is an IP literal; IP literals are never allowed`;
  }
  for (const e of allowlist) {
    if (e.scheme === "https" && e.port === port && hostMatches(e, host)) return null;
  }
  return `${origin} is not in the manifest allowlist; add "${origin}" to capabilities.network.allowed_outbound_hosts in manifest.json`;
}

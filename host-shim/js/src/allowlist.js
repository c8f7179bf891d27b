// The manifest's network allowlist (SPEC 7), parsed strictly and matched on parsed URLs.
// Mirrors the native host's rules: entries need a scheme, `*` only as a leading `*.` label
// (matching one or more labels), no path, query, userinfo or IP literal; the port defaults
// from the scheme; an empty list denies everything.

import { isIP, isIPv4 } from "node:net";
import { parseManifestStrict } from "./manifest.js";

const DEFAULT_PORTS = { https: 443, http: 80 };

/** Lower-cases ASCII letters only (String#toLowerCase maps e.g. the Kelvin sign U+212A to "k"). */
export function asciiLower(s) {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** A DNS label as the native host accepts it: 1-63 ASCII letters, digits, '-', no '-' at an end. */
export function validLabel(label) {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label);
}

/** Error for an invalid manifest or allowlist entry. */
export class ManifestError extends Error {
  constructor(message) {
    super(message);
    this.name = "ManifestError";
  }
}

/**
 * Parses one allowlist entry such as `https://*.my.salesforce.com` into {scheme, host, wildcard,
 * port, text}, with the checks in the order of the native AllowedHost::parse.
 */
export function parseEntry(entry) {
  if (typeof entry !== "string") throw new ManifestError("allowlist entry must be a string");
  const q = JSON.stringify(entry);
  const sep = entry.indexOf("://");
  if (sep === -1 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(entry.slice(0, sep))) {
    throw new ManifestError(`allowlist entry ${q} needs a scheme, like "https://login.salesforce.com"`);
  }
  const scheme = asciiLower(entry.slice(0, sep));
  const rest = entry.slice(sep + 3);
  if (!(scheme in DEFAULT_PORTS)) throw new ManifestError(`allowlist entry ${q}: only the https scheme is supported`);
  if (/[/?#]/.test(rest)) throw new ManifestError(`allowlist entry ${q}: no path, query or fragment is allowed, only scheme://host`);
  if (rest.includes("@")) throw new ManifestError(`allowlist entry ${q}: userinfo is not allowed`);
  const ipLiteral = () => new ManifestError(`allowlist entry ${q}: IP literals are not allowed, name the host`);
  if (rest.startsWith("[")) throw ipLiteral();
  let authority = rest;
  let port = DEFAULT_PORTS[scheme];
  const colon = rest.lastIndexOf(":");
  if (colon !== -1) {
    const p = rest.slice(colon + 1);
    if (!/^[0-9]{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw new ManifestError(`allowlist entry ${q}: bad port`);
    port = Number(p);
    authority = rest.slice(0, colon);
  }
  let host = asciiLower(authority);
  let wildcard = false;
  if (host.startsWith("*.")) {
    wildcard = true;
    host = host.slice(2);
  }
  if (isIP(host) !== 0) throw ipLiteral();
  const labels = host.split(".");
  if (!labels.every(validLabel)) {
    throw new ManifestError(`allowlist entry ${q}: '*' is allowed only as a leading '*.' label of a valid host name`);
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) throw ipLiteral();
  return { scheme, host, wildcard, port, text: entry };
}

/**
 * Parses manifest.json text strictly (see manifest.js: the native host's rules) and returns
 * its parsed allowlist entries; an absent list is deny-all. Throws ManifestError.
 */
export function parseManifest(text) {
  return parseManifestStrict(text).allowlist;
}

/** Whether host name `host` (lower-case) matches entry `e`. */
function hostMatches(e, host) {
  if (e.wildcard) return host.endsWith("." + e.host) && host.length > e.host.length + 1;
  return host === e.host;
}

const origin = (host, port) => (port === 443 ? `https://${host}` : `https://${host}:${port}`);

/**
 * Checks a URL the plugin wants fetched, like the native Allowlist::check. Returns null when
 * allowed, or an operator-facing reason (saying what to add to the manifest) when denied.
 * Only https is ever allowed; the reason never carries a path, query or userinfo.
 */
export function checkUrl(allowlist, urlText) {
  let url;
  try {
    url = new URL(urlText);
  } catch {
    return "the plugin asked for a URL that does not parse";
  }
  if (url.protocol !== "https:") return `only https is allowed (got ${url.protocol.replace(/:$/, "")})`;
  if (url.username !== "" || url.password !== "") return "URLs with userinfo are not allowed";
  const port = url.port === "" ? 443 : Number(url.port);
  const hostname = url.hostname;
  if (hostname === "") return "the plugin asked for a URL without a host";
  if (hostname.startsWith("[") || isIPv4(hostname)) {
    return `${origin(hostname, port)} is an IP literal; IP literals are never allowed`;
  }
  let host = asciiLower(hostname);
  if (host.endsWith(".")) host = host.slice(0, -1);
  const o = origin(host, port);
  if (!host.split(".").every(validLabel)) return `${o} is not a valid host name`;
  for (const e of allowlist) {
    if (e.scheme === "https" && e.port === port && hostMatches(e, host)) return null;
  }
  return `${o} is not in the manifest allowlist; add "${o}" to capabilities.network.allowed_outbound_hosts in manifest.json`;
}

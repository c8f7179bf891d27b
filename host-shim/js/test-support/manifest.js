// The repository's manifest.json as a test starting point (tests only).
import fs from "node:fs";
import { DEFAULT_MANIFEST } from "../src/run.js";

/** The repository's manifest.json, parsed afresh. */
export function repoManifest() {
  return JSON.parse(fs.readFileSync(DEFAULT_MANIFEST, "utf8"));
}

/** The repository's manifest text with these allowlist entries (undefined: no capabilities at all). */
export function manifestWith(hosts) {
  const m = repoManifest();
  if (hosts === undefined) delete m.capabilities;
  else m.capabilities = { network: { allowed_outbound_hosts: hosts } };
  return JSON.stringify(m);
}

// Every fixture secret, and the leak scan, as tests/src/secrets.rs does it (tests only):
// fixtures/SECRETS.txt, the org fixtures' passwords, previous passwords, security tokens and
// client secrets (fixtures/orgs/, tests/scenarios/orgs/), plus a request's own secrets.
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../src/run.js";

/** Strings shorter than this are not scanned for (they would match by chance). */
const MIN_LEN = 6;

function orgSecrets(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    let org;
    try {
      org = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    } catch {
      continue;
    }
    for (const u of org.users ?? []) {
      for (const k of ["password", "security_token"]) if (typeof u[k] === "string") out.push(u[k]);
      for (const p of u.previous_passwords ?? []) if (typeof p === "string") out.push(p);
    }
    for (const app of org.connected_apps ?? []) if (typeof app.client_secret === "string") out.push(app.client_secret);
  }
  return out;
}

/** Every fixture secret (deduplicated, at least 6 characters). */
export function fixtureSecrets() {
  const listed = fs.existsSync(path.join(REPO_ROOT, "fixtures", "SECRETS.txt"))
    ? fs.readFileSync(path.join(REPO_ROOT, "fixtures", "SECRETS.txt"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    : [];
  const all = [...listed, ...orgSecrets(path.join(REPO_ROOT, "fixtures", "orgs")), ...orgSecrets(path.join(REPO_ROOT, "tests", "scenarios", "orgs"))];
  return [...new Set(all.filter((s) => s.length >= MIN_LEN))].sort();
}

/** A request's secrets: passwords, tokens, client secrets of secret and privileged_secret, new and pending passwords. */
export function requestSecrets(request) {
  const out = [];
  for (const s of [request?.secret, request?.privileged_secret]) {
    if (!s || typeof s !== "object") continue;
    for (const k of ["password", "security_token", "client_secret"]) if (typeof s[k] === "string") out.push(s[k]);
    for (const item of s.items ?? []) {
      if (["password", "security-token", "client-secret"].includes(String(item.slug ?? "").toLowerCase()) && typeof item.itemValue === "string") out.push(item.itemValue);
    }
  }
  for (const k of ["new_password", "pending_password"]) if (typeof request?.[k] === "string") out.push(request[k]);
  return out.filter((s) => s.length >= MIN_LEN);
}

/**
 * Whether `text` holds something shaped like a Salesforce session id or OAuth access token
 * (the emulator issues them at random, so no list names them): a 15-character alphanumeric
 * org id starting `00D`, `!`, then at least 20 token characters (tests/src/secrets.rs).
 */
export function hasSessionId(text) {
  return /00D[A-Za-z0-9]{12}![A-Za-z0-9._]{20,}/.test(String(text));
}

/**
 * Fails if any fixture or extra secret, or a session id, appears in one of `texts` ({name: text}); the message
 * names the stream and the secret's index in the scan list, never the secret.
 */
export function assertNoLeak(what, texts, extra = []) {
  const all = [...fixtureSecrets(), ...extra.filter((s) => s.length >= MIN_LEN)];
  for (const [stream, text] of Object.entries(texts)) {
    const i = all.findIndex((s) => String(text).includes(s));
    if (i !== -1) throw new Error(`${what}: secret #${i} of the scan list appears in ${stream}`);
    if (hasSessionId(text)) throw new Error(`${what}: a session id appears in ${stream}`);
  }
}

// runJob: drives the wasm plugin's WasmJob to completion, sending each request it asks for
// over HTTPS after checking it against the manifest allowlist.

import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { checkUrl, parseManifest } from "./allowlist.js";
import { parseResolve } from "./resolve.js";
import { send as httpsSend } from "./transport.js";
import { generatePassword } from "./generate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (host-shim/js/src → ../../..). */
export const REPO_ROOT = path.resolve(here, "..", "..", "..");
/** The default manifest: manifest.json at the repository root. */
export const DEFAULT_MANIFEST = path.join(REPO_ROOT, "manifest.json");
/** The wasm-bindgen glue built by scripts/build-wasm.sh. */
export const PKG_GLUE = path.resolve(here, "..", "pkg", "sfrpc_plugin.js");

/** Bound on poll iterations of one job (a job sends a handful of requests). */
const MAX_STEPS = 1000;

let plugin;
/** Loads the wasm glue once (CommonJS, from host-shim/js/pkg). */
export function loadPlugin() {
  if (!plugin) {
    if (!fs.existsSync(PKG_GLUE)) throw new Error("host-shim/js/pkg is missing: run scripts/build-wasm.sh first");
    plugin = createRequire(import.meta.url)(PKG_GLUE);
  }
  return plugin;
}

/**
 * Runs one job. `request` is the request object or its JSON text. options:
 * - allowlist (parsed entries) or manifest (path; default manifest.json at the repo root)
 * - ca (PEM string) / caCert (path), resolve (["HOST=ADDR:PORT", ...] or parsed entries)
 * - timeoutMs (default 30000), now (() => ms, default Date.now)
 * - send (custom transport for tests: (req) => Promise<{response}|{error}>)
 * - plugin (a loaded wasm-bindgen glue module; default the one loadPlugin() loads once)
 * Resolves to the plugin's result object (the `done` output without its `type`).
 */
export async function runJob(request, options = {}) {
  const prepared = prepare(request);
  if (prepared.failed) return prepared.failed;
  const result = await drive(prepared.json, options);
  // A generated password goes back to the vault only when it is (or may be) in effect.
  if (prepared.generated !== undefined && (result.active_password === "new" || result.active_password === "unknown")) {
    result.new_password = prepared.generated;
  }
  return result;
}

/**
 * The request text to hand the plugin: a `change` without `new_password` gets one generated
 * (the plugin has no randomness). Text that is not a JSON object passes through unchanged so
 * the plugin answers ArgumentError.
 */
function prepare(request) {
  let obj = request;
  if (typeof request === "string") {
    try {
      obj = JSON.parse(request);
    } catch {
      return { json: request };
    }
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return { json: typeof request === "string" ? request : JSON.stringify(request) };
  if (obj.operation !== "change" || (obj.new_password !== undefined && obj.new_password !== null)) {
    return { json: typeof request === "string" ? request : JSON.stringify(obj) };
  }
  const minLength = obj.org?.password_policy?.min_length ?? 8;
  let generated;
  try {
    generated = generatePassword(minLength);
  } catch (e) {
    return { failed: argumentError(obj, `cannot generate a new password: ${e.message}`) };
  }
  return { json: JSON.stringify({ ...obj, new_password: generated }), generated };
}

/** An ArgumentError result decided by the host before the plugin runs (no secret in it). */
function argumentError(obj, message) {
  const secret = obj.secret ?? {};
  const id = secret.id ?? null;
  const name = secret.name ?? null;
  const site = obj.site?.name ?? null;
  return {
    operation: obj.operation, secret_id: id, secret_name: name, site,
    status: "ArgumentError", code: "NEW_PASSWORD_POLICY", message,
    remediation: "declare a password policy min_length of at most 256, or pass new_password",
    active_password: "current", retryable: false, failed_logins: 0, checks: [],
    log: [message, `Secret '${name ?? ""}' (Id = ${id ?? ""}) on Site '${site ?? ""}' returned (ArgumentError).`],
  };
}

async function drive(requestJson, options) {
  const allowlist = options.allowlist ?? parseManifest(fs.readFileSync(options.manifest ?? DEFAULT_MANIFEST, "utf8"));
  const ca = options.ca ?? (options.caCert ? fs.readFileSync(options.caCert, "utf8") : undefined);
  const resolve = (options.resolve ?? []).map((r) => (typeof r === "string" ? parseResolve(r) : r));
  const now = options.now ?? Date.now;
  const agent = new https.Agent({ keepAlive: true, ca });
  const transport = options.send ?? ((req) => httpsSend(req, { ca, resolve, timeoutMs: options.timeoutMs ?? 30000, agent }));
  const { WasmJob } = options.plugin ?? loadPlugin();
  const job = new WasmJob(requestJson, now());
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      const out = job.poll(now());
      if (out.type === "done") {
        const { type: _type, ...result } = out;
        return result;
      }
      if (out.type === "wait") throw new Error("plugin is waiting but no request is outstanding");
      if (out.type !== "send") throw new Error(`unexpected plugin output type ${JSON.stringify(out.type)}`);
      const denied = checkUrl(allowlist, out.url);
      if (denied !== null) {
        job.handleTransportError(out.id, { kind: "denied", maybe_sent: false, detail: denied }, now());
        continue;
      }
      const answer = await transport(out);
      if (answer.response) job.handleResponse(out.id, answer.response, now());
      else job.handleTransportError(out.id, answer.error, now());
    }
    throw new Error(`plugin did not finish within ${MAX_STEPS} steps`);
  } finally {
    job.free();
    agent.destroy();
  }
}

// runJob: drives the wasm plugin's WasmJob to completion, sending each request it asks for
// over HTTPS after checking it against the manifest allowlist.

import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { checkUrl, parseManifest } from "./allowlist.js";
import { parseResolve } from "./resolve.js";
import { send as httpsSend, pemCertificates, readCaCerts, trustContext } from "./transport.js";
import { generatePassword } from "./generate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (host-shim/js/src → ../../..). */
export const REPO_ROOT = path.resolve(here, "..", "..", "..");
/** The default manifest: manifest.json at the repository root. */
export const DEFAULT_MANIFEST = path.join(REPO_ROOT, "manifest.json");
/** The wasm-bindgen glue built by scripts/build-wasm.sh. */
export const PKG_GLUE = path.resolve(here, "..", "pkg", "sfrpc_plugin.js");

/** A job that never finishes within this many requests is stopped (a plugin bug), as natively. */
export const MAX_REQUESTS = 64;
const OPERATIONS = ["heartbeat", "change", "diagnose"];
const COMPLEXITIES = ["any", "alpha_numeric", "alpha_numeric_special", "upper_lower_numeric", "upper_lower_numeric_special"];

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
 * - operation: the CLI subcommand; written into a request without one, and a request that
 *   says another operation is an ArgumentError/INVALID_REQUEST decided here (as natively)
 * - allowlist (parsed entries) or manifest (path; default manifest.json at the repo root)
 * - ca (PEM text, or a list) / caCert (a path, or a list): extra trust roots on top of Node's
 * - resolve (["HOST=ADDR:PORT", ...] or parsed entries), timeoutMs (default 30000)
 * - now (() => ms, default Date.now)
 * - send (custom transport for tests: (req) => Promise<{response}|{error}>)
 * - plugin (a loaded wasm-bindgen glue module; default the one loadPlugin() loads once)
 * Resolves to the result object (the plugin's `done` output without its `type`, or one the
 * host decided). Rejects only on bad options (manifest, --ca-cert, --resolve) or a missing
 * wasm build.
 */
export async function runJob(request, options = {}) {
  const setup = hostSetup(options);
  const prepared = prepare(request, options.operation);
  if (prepared.failed) return prepared.failed;
  const result = await drive(prepared, setup, options);
  // A generated password goes back to the vault only when it is (or may be) in effect: a change
  // request with it may have been sent (an `unknown` from an unsettled pending password is
  // about that one), as natively.
  if (prepared.generated !== undefined && result.change_sent === true && (result.active_password === "new" || result.active_password === "unknown")) {
    result.new_password = prepared.generated;
  }
  return result;
}

/** Parses the manifest, trust roots and --resolve options; throws on bad ones. */
function hostSetup(options) {
  const allowlist = options.allowlist ?? parseManifest(fs.readFileSync(options.manifest ?? DEFAULT_MANIFEST, "utf8"));
  const pems = [
    ...[options.ca ?? []].flat().flatMap((text) => pemCertificates(text)),
    ...readCaCerts([options.caCert ?? []].flat()),
  ];
  const resolve = (options.resolve ?? []).map((r) => (typeof r === "string" ? parseResolve(r) : r));
  return { allowlist, secureContext: trustContext(pems), resolve, plugin: options.plugin ?? loadPlugin() };
}

/** What identifies a host-decided result, read from the request object like native Meta. */
function meta(obj, operation) {
  const secret = obj?.secret;
  const id = secret?.id;
  return {
    operation,
    secret_id: Number.isSafeInteger(id) ? id : null,
    secret_name: typeof secret?.name === "string" ? secret.name : null,
    site: typeof obj?.site?.name === "string" ? obj.site.name : null,
    // Without a login nobody can tell whether a pending password is in effect (native Meta).
    pending: typeof obj?.pending_password === "string" && obj.pending_password !== "",
  };
}

/** A result the host decides itself (bad operation, generator failure, stalled plugin). */
function hostResult(m, status, code, message, remediation = null) {
  const line = `Secret '${m.secret_name ?? ""}' (Id = ${m.secret_id ?? "unknown"}) on Site '${m.site ?? "Local"}' returned (${status}).`;
  return {
    operation: m.operation, secret_id: m.secret_id, secret_name: m.secret_name, site: m.site,
    status, code, message, remediation, active_password: m.pending ? "unknown" : "current", retryable: false,
    failed_logins: 0, checks: [], log: [message, line],
  };
}

/** The password policy the request declares, as the native declared_policy reads it. */
function declaredMinLength(obj) {
  const p = obj.org?.password_policy;
  if (p === undefined || p === null) return 8;
  const c = p.complexity;
  if (c !== undefined && c !== null && !COMPLEXITIES.includes(c)) return 8; // not a policy: the default
  const n = p.min_length;
  if (n === undefined || n === null) return 8;
  return Number.isSafeInteger(n) && n >= 0 ? n : 8;
}

/**
 * The request text to hand the plugin, like the native prepare(): the command's operation
 * written in, and a `change` without `new_password` gets one generated (the plugin has no
 * randomness). Text that is not a JSON object passes through unchanged: the plugin answers
 * ArgumentError.
 */
function prepare(request, command) {
  const text = typeof request === "string" ? request : undefined;
  let obj = request;
  if (text !== undefined) {
    try {
      obj = JSON.parse(text);
    } catch {
      return { json: text, obj: null };
    }
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return { json: text ?? JSON.stringify(request), obj: null };
  let edited = false;
  if (command !== undefined) {
    if (obj.operation === undefined || obj.operation === null) {
      obj = { ...obj, operation: command };
      edited = true;
    } else if (obj.operation !== command) {
      const said = typeof obj.operation === "string" ? obj.operation : "a non-string value";
      return {
        failed: hostResult(meta(obj, command), "ArgumentError", "INVALID_REQUEST",
          `operation: the request says "${said}" but the command is "${command}"`,
          'remove "operation" from the request or run the matching command'),
      };
    }
  }
  let generated;
  if (obj.operation === "change" && (obj.new_password === undefined || obj.new_password === null)) {
    try {
      generated = generatePassword(declaredMinLength(obj));
    } catch (e) {
      const remediation = e instanceof RangeError ? "declare a min_length of at most 256, or pass new_password" : "pass new_password in the request, or retry";
      const status = e instanceof RangeError ? "ArgumentError" : "UnknownError"; // else the RNG failed
      return { failed: hostResult(meta(obj, "change"), status, "NEW_PASSWORD_GENERATION", `cannot generate a new password: ${e.message}`, remediation) };
    }
    obj = { ...obj, new_password: generated };
    edited = true;
  }
  return { json: text !== undefined && !edited ? text : JSON.stringify(obj), obj, generated };
}

/** The result of a job the plugin did not finish (native stuck()): for a change, nobody can
 *  say which password is in effect. */
function stalled(prepared, command, message) {
  const op = OPERATIONS.includes(prepared.obj?.operation) ? prepared.obj.operation : command ?? "heartbeat";
  const r = hostResult(meta(prepared.obj, op), "UnknownError", "PLUGIN_STALLED", message);
  if (op === "change") {
    r.active_password = "unknown";
    r.change_sent = true;
  }
  return r;
}

async function drive(prepared, setup, options) {
  const now = options.now ?? Date.now;
  const agent = options.send ? undefined : new https.Agent({ keepAlive: true });
  const transport = options.send ?? ((req) => httpsSend(req, { secureContext: setup.secureContext, resolve: setup.resolve, timeoutMs: options.timeoutMs ?? 30000, agent }));
  const { WasmJob } = setup.plugin;
  const stall = `the plugin did not finish within ${MAX_REQUESTS} requests`;
  let job;
  try {
    job = new WasmJob(prepared.json, now());
    for (let sent = 0; ; sent++) {
      const out = job.poll(now());
      if (out.type === "done") {
        const { type: _type, ...result } = out;
        return result;
      }
      if (out.type !== "send" || sent >= MAX_REQUESTS) return stalled(prepared, options.operation, stall);
      const denied = checkUrl(setup.allowlist, out.url);
      if (denied !== null) {
        job.handleTransportError(out.id, { kind: "denied", maybe_sent: false, detail: denied }, now());
        continue;
      }
      let answer;
      try {
        answer = await transport(out);
      } catch {
        answer = { error: { kind: "reset", maybe_sent: true, detail: "the transport failed" } };
      }
      if (answer?.response) job.handleResponse(out.id, answer.response, now());
      else job.handleTransportError(out.id, answer?.error ?? { kind: "reset", maybe_sent: true }, now());
    }
  } catch {
    // A throw inside the plugin (or its glue): the job cannot go on.
    return stalled(prepared, options.operation, "the plugin failed before finishing the job");
  } finally {
    try {
      job?.free();
    } catch {
      // a trapped instance may refuse even this; the job is over either way
    }
    agent?.destroy();
  }
}

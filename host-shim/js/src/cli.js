// The `sfrpc-node` command line: the same surface and exit codes as the native `sfrpc` for
// heartbeat, change and diagnose.

import fs from "node:fs";
import { parseArgs } from "node:util";
import { parseManifest, ManifestError } from "./allowlist.js";
import { parseResolve } from "./resolve.js";
import { runJob, DEFAULT_MANIFEST } from "./run.js";

/** Exit codes by status (SPEC 5). */
export const EXIT_CODES = {
  Success: 0, LoginFailed: 10, AccountLockedOut: 11, AccessDenied: 12, ArgumentError: 13,
  UnableToConnect: 14, PasswordRejected: 15, UnknownError: 16,
};
/** Exit code when `active_password` is unknown. */
export const EXIT_UNKNOWN_ACTIVE = 20;
/** Exit code for usage errors. */
export const EXIT_USAGE = 2;

const USAGE = `usage: sfrpc-node heartbeat|change|diagnose [--request FILE|-] [--json]
  [--resolve HOST=ADDR:PORT]... [--ca-cert FILE.pem] [--timeout SECS] [--manifest FILE]`;

/** The exit code for a result. */
export function exitCode(result) {
  if (result.active_password === "unknown") return EXIT_UNKNOWN_ACTIVE;
  return EXIT_CODES[result.status] ?? EXIT_CODES.UnknownError;
}

/** A command-line usage error (exit 2). */
class UsageError extends Error {}

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        request: { type: "string" },
        json: { type: "boolean", default: false },
        resolve: { type: "string", multiple: true, default: [] },
        "ca-cert": { type: "string" },
        timeout: { type: "string" },
        manifest: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError("");
  if (positionals.length !== 1 || !["heartbeat", "change", "diagnose"].includes(positionals[0])) {
    throw new UsageError("expected exactly one of heartbeat, change, diagnose");
  }
  let timeoutMs = 30000;
  if (values.timeout !== undefined) {
    const t = Number(values.timeout);
    if (!Number.isFinite(t) || t <= 0) throw new UsageError("--timeout wants a positive number of seconds");
    timeoutMs = Math.round(t * 1000);
  }
  return { operation: positionals[0], values, timeoutMs };
}

function readRequest(source, stdin) {
  const text = source === undefined || source === "-" ? fs.readFileSync(stdin ?? 0, "utf8") : fs.readFileSync(source, "utf8");
  let request;
  try {
    request = JSON.parse(text);
  } catch {
    return null;
  }
  return request;
}

function summary(result) {
  return `${result.operation}: ${result.status} (${result.code}) — ${result.message}\n` +
    `active password: ${result.active_password}${result.remediation ? `\nfix: ${result.remediation}` : ""}\n`;
}

/** Runs the CLI; returns the exit code. io: {stdout, stderr, stdin}. */
export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  let args;
  let allowlist;
  let resolve;
  try {
    args = parse(argv);
    resolve = args.values.resolve.map(parseResolve);
    const manifestPath = args.values.manifest ?? DEFAULT_MANIFEST;
    let manifestText;
    try {
      manifestText = fs.readFileSync(manifestPath, "utf8");
    } catch {
      throw new UsageError(`cannot read manifest ${manifestPath}`);
    }
    allowlist = parseManifest(manifestText);
  } catch (e) {
    // Usage errors, bad --resolve values and invalid manifests all exit 2 before any job.
    const prefix = e instanceof ManifestError ? "invalid manifest: " : "";
    if (e.message) io.stderr.write(`sfrpc-node: ${prefix}${e.message}\n`);
    if (!(e instanceof ManifestError)) io.stderr.write(`${USAGE}\n`);
    return EXIT_USAGE;
  }
  let request;
  try {
    request = readRequest(args.values.request, io.stdin);
  } catch {
    io.stderr.write(`sfrpc-node: cannot read request ${args.values.request ?? "-"}\n`);
    return EXIT_USAGE;
  }
  // The subcommand decides the operation; a request that says otherwise is passed through so
  // the plugin answers ArgumentError (the same rule as the native host).
  let requestJson;
  if (request !== null && typeof request === "object" && !Array.isArray(request)) {
    if (request.operation === undefined) request.operation = args.operation;
    else if (request.operation !== args.operation) request.operation = `${request.operation} (subcommand ${args.operation})`;
    requestJson = JSON.stringify(request);
  } else {
    requestJson = request === null ? "not json" : JSON.stringify(request);
  }
  let caCert;
  if (args.values["ca-cert"] !== undefined) {
    try {
      caCert = fs.readFileSync(args.values["ca-cert"], "utf8");
    } catch {
      io.stderr.write(`sfrpc-node: cannot read --ca-cert ${args.values["ca-cert"]}\n`);
      return EXIT_USAGE;
    }
  }
  const result = await runJob(requestJson, { allowlist, resolve, ca: caCert, timeoutMs: args.timeoutMs });
  for (const line of result.log ?? []) io.stderr.write(`${line}\n`);
  const json = args.values.json || !io.stdout.isTTY;
  io.stdout.write(json ? `${JSON.stringify(result)}\n` : summary(result));
  return exitCode(result);
}

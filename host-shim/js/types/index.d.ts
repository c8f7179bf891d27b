// Types for sfrpc-node (the Node host of the sfrpc wasm plugin).
import type { JobResult, HttpRequest, HttpResponse, TransportError, Operation } from "../pkg/sfrpc_plugin.js";
export type { JobResult, HttpRequest, HttpResponse, TransportError, TransportErrorKind, Output, Status, ActivePassword, Check, Operation } from "../pkg/sfrpc_plugin.js";

/** One item of a Secret Server secret: fields are found by `slug` (case-insensitive; `_` = `-`). */
export interface SecretItem {
  /** `url`, `username`, `password`, `security-token`, `client-id`, `client-secret`; others are ignored. */
  slug: string;
  itemValue: string | null;
  isPassword?: boolean;
  /** Secret Server's other item fields (fieldId, ...) are ignored. */
  [field: string]: unknown;
}

/** A secret in Secret Server's REST model (SPEC 3). Unknown fields are ignored. */
export interface SecretServerSecret {
  id?: number | null;
  name?: string | null;
  secretTemplateName?: string;
  items: SecretItem[];
  [field: string]: unknown;
}

/** A secret in the flat form (SPEC 3). Unknown fields are ignored. */
export interface FlatSecret {
  id?: number | null;
  name?: string | null;
  /** Exactly https://login.salesforce.com or https://test.salesforce.com. */
  url?: string | null;
  username?: string | null;
  password?: string | null;
  security_token?: string | null;
  client_id?: string | null;
  client_secret?: string | null;
  [field: string]: unknown;
}

/** A secret record, in either form. */
export type Secret = SecretServerSecret | FlatSecret;

/** Salesforce's password complexity names. */
export type Complexity = "any" | "alpha_numeric" | "alpha_numeric_special" | "upper_lower_numeric" | "upper_lower_numeric_special";

/** The org's declared password policy. */
export interface PasswordPolicy {
  /** 1..1024. */
  min_length?: number | null;
  complexity?: Complexity | null;
}

/** Where the job runs from. */
export interface Site {
  name?: string | null;
  /** The IPs Salesforce sees this site's requests come from. */
  egress_ips?: string[] | null;
}

/** What the vault knows of the org (SPEC 2.1): ranges are CIDR or `start-end`, IPv4 or IPv6. */
export interface Org {
  /** Setup > Security > Network Access; absent: the check is skipped; empty: no ranges. */
  trusted_ip_ranges?: string[] | null;
  /** The profile's Login IP Ranges (a hard block). */
  login_ip_ranges?: string[] | null;
  password_policy?: PasswordPolicy | null;
}

/**
 * The request a vault hands the host (SPEC 3). Unknown top-level, `site` and `org` keys are an
 * ArgumentError. `operation` may be left out when the CLI subcommand (or runJob's `operation`
 * option) says it.
 */
export interface JobRequest {
  operation?: Operation | null;
  secret: Secret;
  /** `change` only; when absent the host generates one and returns it as `new_password`. */
  new_password?: string | null;
  /** The password a previous job left unsettled (active_password unknown). */
  pending_password?: string | null;
  /** A privileged account that sets the target's password (Secret Server's privileged account). */
  privileged_secret?: Secret | null;
  site?: Site | null;
  org?: Org | null;
  /** Default "soap". */
  login_method?: "soap" | "oauth_password" | null;
  /** Default "64.0" (the last version with SOAP login()); at least 40.0. */
  api_version?: string | null;
  /** Allow a change whose login relies on a security token Salesforce will reset. */
  accept_token_reset?: boolean | null;
}

/** A parsed manifest allowlist entry. */
export interface AllowlistEntry { scheme: "https" | "http"; host: string; wildcard: boolean; port: number; text: string }
/** A parsed `--resolve HOST=ADDR:PORT` mapping. */
export interface ResolveEntry { host: string; wildcard: boolean; address: string; port: number }
/** What a transport returns for one request. */
export type Answer = { response: HttpResponse } | { error: TransportError };

/** The options of the https transport. */
export interface SendOptions {
  /** Node's trust roots plus --ca-cert (see trustContext); undefined: Node's own roots. */
  secureContext?: import("node:tls").SecureContext;
  /** `--resolve` mappings. */
  resolve?: ResolveEntry[];
  /** Bounds the request, connect to last body byte (default 30000). */
  timeoutMs?: number;
  /** A keep-alive agent shared by a job's requests (default: none, a connection per request). */
  agent?: import("node:https").Agent;
}

/** Options of runJob. */
export interface RunOptions {
  /** The CLI subcommand: written into a request without `operation`; a different one is an ArgumentError. */
  operation?: Operation;
  /** Parsed allowlist; overrides `manifest`. */
  allowlist?: AllowlistEntry[];
  /** Path of manifest.json (default: the repository root's). */
  manifest?: string;
  /** Extra trust roots (PEM text), added to Node's. */
  ca?: string | string[];
  /** Extra trust roots (PEM file paths), added to Node's. */
  caCert?: string | string[];
  /** `HOST=ADDR:PORT` strings or parsed entries. */
  resolve?: (string | ResolveEntry)[];
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
  /** A custom transport (tests); a rejection counts as a reset that may have been sent. */
  send?: (req: HttpRequest) => Promise<Answer>;
  /** A loaded wasm-bindgen glue module (default: the one loadPlugin() loads once). */
  plugin?: { WasmJob: any };
}

/**
 * A job's result. `new_password` is present only when this host generated the password (a
 * `change` without `new_password`) and it is, or may be, in effect (active_password new or
 * unknown): the vault must store it.
 */
export type RunResult = JobResult & { new_password?: string };

/**
 * Runs one job to completion and resolves to its result (never rejects for a job failure: a
 * plugin that stalls or throws is UnknownError / PLUGIN_STALLED). Rejects on bad options: an
 * invalid manifest (ManifestError), --ca-cert (CaCertError) or --resolve entry, or a missing
 * wasm build (run scripts/build-wasm.sh).
 */
export function runJob(request: JobRequest | string, options?: RunOptions): Promise<RunResult>;
/** A job that has not finished after this many requests is stopped (64). */
export const MAX_REQUESTS: number;
/** A password of length max(minLength, 20) with every character class, from the OS RNG. */
export function generatePassword(minLength?: number): string;
/** Loads the wasm-bindgen glue from host-shim/js/pkg. */
export function loadPlugin(): { WasmJob: any };
/** Default manifest path (repository root). */
export const DEFAULT_MANIFEST: string;
/** Repository root. */
export const REPO_ROOT: string;
/** The plugin ABI this host speaks ("sfrpc-sansio/1"). */
export const ABI: string;
/** Invalid manifest or allowlist entry. */
export class ManifestError extends Error {}
/** An unreadable --ca-cert file, or one without a valid certificate. */
export class CaCertError extends Error {}
/** Parses manifest.json text strictly (as the native host does) into allowlist entries; throws ManifestError. */
export function parseManifest(text: string): AllowlistEntry[];
/** Parses and validates the whole manifest; throws ManifestError. */
export function parseManifestStrict(text: string): Record<string, unknown> & { allowlist: AllowlistEntry[] };
/** Parses one allowlist entry; throws ManifestError. */
export function parseEntry(entry: string): AllowlistEntry;
/** null when allowed, else a reason naming what to add to the manifest. */
export function checkUrl(allowlist: AllowlistEntry[], url: string): string | null;
/** Parses `HOST=ADDR:PORT`. */
export function parseResolve(text: string): ResolveEntry;
/** The first mapping matching a host name. */
export function lookupResolve(entries: ResolveEntry[], hostname: string): ResolveEntry | undefined;
/** The response size cap (1 MiB). */
export const MAX_RESPONSE_BYTES: number;
/** `sfrpc/<version>`, the User-Agent both hosts send. */
export const USER_AGENT: string;
/** The certificates of a PEM bundle; throws CaCertError when there is none or one is invalid. */
export function pemCertificates(text: string, path?: string): string[];
/** Reads --ca-cert files; throws CaCertError. */
export function readCaCerts(paths: string[]): string[];
/** A TLS context trusting Node's default roots plus these (undefined when there are none). */
export function trustContext(extraPems?: string[]): import("node:tls").SecureContext | undefined;
/** Sends one request over Node's https; never rejects. */
export function send(req: HttpRequest, options?: SendOptions): Promise<Answer>;
/** Exit codes by status (SPEC 5). */
export const EXIT_CODES: Record<string, number>;
/** Exit code when active_password is unknown (20). */
export const EXIT_UNKNOWN_ACTIVE: number;
/** Exit code of a usage error (2). */
export const EXIT_USAGE: number;
/** The exit code for a result. */
export function exitCode(result: JobResult): number;
/** The result JSON as the CLI prints it (the native host's form: two-space indent, keys sorted). */
export function resultJson(result: RunResult): string;
/** The human summary (the native host's, line for line). */
export function summary(result: RunResult): string;
/** Runs the CLI with these arguments; resolves to the exit code. */
export function main(argv: string[], io?: { stdout: { write(s: string): unknown; isTTY?: boolean }; stderr: { write(s: string): unknown }; stdin?: number | string }): Promise<number>;

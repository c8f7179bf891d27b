// Types for sfrpc-node (the Node host of the sfrpc wasm plugin).
import type { JobResult, HttpRequest, HttpResponse, TransportError } from "../pkg/sfrpc_plugin.js";
export type { JobResult, HttpRequest, HttpResponse, TransportError, Output, Status, ActivePassword, Check } from "../pkg/sfrpc_plugin.js";

/** A parsed manifest allowlist entry. */
export interface AllowlistEntry { scheme: "https" | "http"; host: string; wildcard: boolean; port: number; text: string }
/** A parsed `--resolve HOST=ADDR:PORT` mapping. */
export interface ResolveEntry { host: string; wildcard: boolean; address: string; port: number }
/** What a transport returns for one request. */
export type Answer = { response: HttpResponse } | { error: TransportError };

/** Options of runJob. */
export interface RunOptions {
  /** Parsed allowlist; overrides `manifest`. */
  allowlist?: AllowlistEntry[];
  /** Path of manifest.json (default: the repository root's). */
  manifest?: string;
  /** Extra trust root, PEM text. */
  ca?: string;
  /** Extra trust root, PEM file path. */
  caCert?: string;
  /** `HOST=ADDR:PORT` strings or parsed entries. */
  resolve?: (string | ResolveEntry)[];
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Clock in milliseconds (default Date.now). */
  now?: () => number;
  /** A custom transport (tests). */
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

/** Runs one job to completion and resolves to its result. */
export function runJob(request: object | string, options?: RunOptions): Promise<RunResult>;
/** A password of length max(minLength, 20) with every character class, from the OS RNG. */
export function generatePassword(minLength?: number): string;
/** Loads the wasm-bindgen glue from host-shim/js/pkg. */
export function loadPlugin(): { WasmJob: any };
/** Default manifest path (repository root). */
export const DEFAULT_MANIFEST: string;
/** Repository root. */
export const REPO_ROOT: string;
/** Invalid manifest or allowlist entry. */
export class ManifestError extends Error {}
/** Parses manifest.json text into allowlist entries; throws ManifestError. */
export function parseManifest(text: string): AllowlistEntry[];
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
/** Sends one request over Node's https. */
export function send(req: HttpRequest, options: { ca?: string; resolve?: ResolveEntry[]; timeoutMs?: number }): Promise<Answer>;

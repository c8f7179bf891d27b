// Runs bin/sfrpc-node.js (or the native sfrpc) as a child process with no proxy (tests only).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../src/run.js";

/** The Node host's CLI. */
export const NODE_CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "sfrpc-node.js");
/** The native host built by `cargo build --workspace --bins`. */
export const SFRPC_BIN = path.join(REPO_ROOT, "target", "debug", "sfrpc");

const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];

/** The environment with every proxy variable removed (as tests/src/sfrpc.rs does). */
export function noProxyEnv() {
  const env = { ...process.env };
  for (const v of PROXY_VARS) delete env[v];
  return env;
}

/** Runs `command args` with `stdin` text (or none); resolves to {code, stdout, stderr}. */
export function run(command, args, { stdin, timeoutMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: noProxyEnv(), stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path.basename(command)} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    if (stdin !== undefined) {
      child.stdin.on("error", () => {}); // it may exit before reading (a usage error)
      child.stdin.end(stdin);
    }
  });
}

/** Runs the Node CLI. */
export const runNode = (args, opts) => run(process.execPath, [NODE_CLI, ...args], opts);
/** Runs the native sfrpc. */
export const runNative = (args, opts) => run(SFRPC_BIN, args, opts);

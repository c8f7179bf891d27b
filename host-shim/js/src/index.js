// sfrpc-node: the Node host for the sfrpc wasm plugin.
export { runJob, loadPlugin, DEFAULT_MANIFEST, REPO_ROOT, MAX_REQUESTS } from "./run.js";
export { parseManifest, parseEntry, checkUrl, ManifestError } from "./allowlist.js";
export { parseManifestStrict, ABI } from "./manifest.js";
export { parseResolve, lookupResolve } from "./resolve.js";
export { send, MAX_RESPONSE_BYTES, USER_AGENT, CaCertError, pemCertificates, readCaCerts, trustContext } from "./transport.js";
export { generatePassword } from "./generate.js";
export { main, exitCode, summary, resultJson, EXIT_CODES, EXIT_UNKNOWN_ACTIVE, EXIT_USAGE } from "./cli.js";

// sfrpc-node: the Node host for the sfrpc wasm plugin.
export { runJob, loadPlugin, DEFAULT_MANIFEST, REPO_ROOT } from "./run.js";
export { parseManifest, parseEntry, checkUrl, ManifestError } from "./allowlist.js";
export { parseResolve, lookupResolve } from "./resolve.js";
export { send, MAX_RESPONSE_BYTES } from "./transport.js";
export { generatePassword } from "./generate.js";

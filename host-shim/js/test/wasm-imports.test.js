// The .wasm may import only the wasm-bindgen glue it needs: an exact allowlist of import
// names (test-support/wasm-imports.js), so WASI, env, clock, network and randomness imports
// all fail, whatever they are called.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { disallowedImports, moduleImporting, stripHash, GLUE_MODULE } from "../test-support/wasm-imports.js";

const wasmPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "pkg", "sfrpc_plugin_bg.wasm");

test("the wasm module imports only allowlisted wasm-bindgen glue", () => {
  assert.ok(fs.existsSync(wasmPath), "host-shim/js/pkg/sfrpc_plugin_bg.wasm is missing: run scripts/build-wasm.sh");
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  assert.ok(WebAssembly.Module.imports(module).length > 0);
  assert.deepEqual(disallowedImports(module), [], "imports outside the allowlist (review them; add real glue to test-support/wasm-imports.js)");
});

test("the checker rejects WASI, env and clock-like glue imports", () => {
  for (const [mod, name] of [
    ["wasi_snapshot_preview1", "fd_write"],
    ["wasi_snapshot_preview1", "random_get"],
    ["env", "now"],
    [GLUE_MODULE, "__wbg_now_0123456789abcdef"],
    [GLUE_MODULE, "__wbg_getRandomValues_0123456789abcdef"],
    [GLUE_MODULE, "__wbg_fetch_0123456789abcdef"],
    ["__wbindgen_placeholder__", "__wbg_new_0123456789abcdef"],
  ]) {
    const module = moduleImporting(mod, name);
    assert.equal(WebAssembly.Module.imports(module)[0].name, name, "the synthetic module is well formed");
    assert.deepEqual(disallowedImports(module), [`${mod}.${name} (function)`], `${mod}.${name}`);
  }
});

test("the checker accepts an allowlisted glue import whatever its hash", () => {
  assert.deepEqual(disallowedImports(moduleImporting(GLUE_MODULE, "__wbg_new_fedcba9876543210")), []);
  assert.equal(stripHash("__wbg___wbindgen_throw_4c88d8bf264fd984"), "__wbg___wbindgen_throw");
});

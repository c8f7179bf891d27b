// The .wasm may import only wasm-bindgen glue: no WASI, no env clock/network/randomness.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const wasmPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "pkg", "sfrpc_plugin_bg.wasm");
const GLUE_MODULES = new Set(["./sfrpc_plugin_bg.js", "__wbindgen_placeholder__", "__wbindgen_externref_xform__"]);
const FORBIDDEN = /random|crypto|date|now|time|clock|perf|fetch|xhr|socket|net|http|fd_|path_|proc_|environ|args_|process|require|fs_/i;

test("the wasm module imports only wasm-bindgen glue", () => {
  assert.ok(fs.existsSync(wasmPath), "host-shim/js/pkg/sfrpc_plugin_bg.wasm is missing: run scripts/build-wasm.sh");
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(wasmPath)));
  assert.ok(imports.length > 0);
  for (const imp of imports) {
    assert.ok(GLUE_MODULES.has(imp.module), `import from non-glue module ${imp.module}.${imp.name}`);
    assert.match(imp.name, /^__wbg_|^__wbindgen_/, `non-glue import ${imp.module}.${imp.name}`);
    // Strip the glue prefix and hash, then look at what the import actually is.
    const what = imp.name.replace(/^__wbg_(__wbindgen_)?|^__wbindgen_/, "").replace(/_[0-9a-f]{16}$/, "");
    assert.doesNotMatch(what, FORBIDDEN, `import ${imp.name} reaches for the clock, network or randomness`);
  }
});

test("the import checker rejects WASI and env imports", () => {
  // A tiny module importing wasi_snapshot_preview1.random_get: (module (import "wasi_snapshot_preview1" "random_get" (func)))
  const name = Buffer.from("wasi_snapshot_preview1");
  const field = Buffer.from("random_get");
  const importSec = Buffer.concat([Buffer.from([1, name.length]), name, Buffer.from([field.length]), field, Buffer.from([0, 0])]);
  const bytes = Buffer.concat([
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
    Buffer.from([1, 4, 1, 0x60, 0, 0]),
    Buffer.from([2, importSec.length]), importSec,
  ]);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  assert.equal(imports.length, 1);
  assert.ok(!GLUE_MODULES.has(imports[0].module));
});

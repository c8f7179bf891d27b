// The wasm plugin's import allowlist (tests only): exactly the wasm-bindgen glue the current
// build needs, each named by module and import name with wasm-bindgen's hash suffix stripped.
// No WASI, no env, no clock, network or randomness. A new glue import (a plugin change that
// needs more of JS) fails the test until it is reviewed and added here.

/** The only module the plugin may import from: its own wasm-bindgen glue. */
export const GLUE_MODULE = "./sfrpc_plugin_bg.js";

/** The import names (hash stripped) the glue provides and the plugin may use. */
export const ALLOWED_IMPORTS = new Set([
  // serde-wasm-bindgen / js-sys object and array plumbing
  "__wbg_length", "__wbg_get_unchecked", "__wbg_set", "__wbg_next", "__wbg_done", "__wbg_value",
  "__wbg_get", "__wbg_get_with_ref_key", "__wbg_new", "__wbg_prototypesetcall", "__wbg_call",
  "__wbg_instanceof_Uint8Array", "__wbg_instanceof_ArrayBuffer", "__wbg_isArray",
  "__wbg_isSafeInteger", "__wbg_entries", "__wbg_iterator", "__wbg_Number", "__wbg_Error",
  // wasm-bindgen intrinsics
  "__wbg___wbindgen_number_get", "__wbg___wbindgen_in", "__wbg___wbindgen_throw",
  "__wbg___wbindgen_is_object", "__wbg___wbindgen_is_string", "__wbg___wbindgen_string_get",
  "__wbg___wbindgen_boolean_get", "__wbg___wbindgen_is_function", "__wbg___wbindgen_is_undefined",
  "__wbg___wbindgen_jsval_loose_eq", "__wbg___wbindgen_debug_string",
  "__wbindgen_init_externref_table", "__wbindgen_generic",
]);

/** An import name without wasm-bindgen's `_<16 hex digits>` suffix. */
export function stripHash(name) {
  return name.replace(/_[0-9a-f]{16}$/, "");
}

/** The imports of `module` (a WebAssembly.Module) that are not allowed, as "module.name" strings. */
export function disallowedImports(module) {
  return WebAssembly.Module.imports(module)
    .filter((imp) => imp.module !== GLUE_MODULE || imp.kind !== "function" || !ALLOWED_IMPORTS.has(stripHash(imp.name)))
    .map((imp) => `${imp.module}.${imp.name} (${imp.kind})`);
}

const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const str = (s) => {
  const b = Buffer.from(s, "utf8");
  return [...leb(b.length), ...b];
};

/** A minimal wasm binary importing one `(func)` as module.name, built byte by byte. */
export function moduleImporting(module, name) {
  const types = [1, 0x60, 0, 0]; // one type: () -> ()
  const imports = [1, ...str(module), ...str(name), 0x00, 0]; // one func import of type 0
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, ...leb(types.length), ...types,
    2, ...leb(imports.length), ...imports,
  ];
  return new WebAssembly.Module(Uint8Array.from(bytes));
}

// manifest.json (SPEC 7), parsed as strictly as the native host's host-shim/src/manifest.rs:
// unknown fields are refused at every level, required fields must be present with their
// types, duplicate keys are refused (serde does), the ABI must be "sfrpc-sansio/1", operations
// must be known, statuses must list each status once with the exit code the host gives it,
// and every allowlist entry must parse. Any failure is a ManifestError, which
// the CLI reports as a usage error (exit 2) before any job runs.

import { parseEntry, ManifestError } from "./allowlist.js";

/** The plugin ABI this host speaks. */
export const ABI = "sfrpc-sansio/1";
/** The operations the plugin has. */
export const OPERATIONS = ["heartbeat", "change", "diagnose"];

/** Every status with the exit code both hosts give it (SPEC 5), in the manifest's order. */
export const STATUS_EXIT_CODES = [
  ["Success", 0], ["LoginFailed", 10], ["AccountLockedOut", 11], ["AccessDenied", 12],
  ["ArgumentError", 13], ["UnableToConnect", 14], ["PasswordRejected", 15], ["UnknownError", 16],
];

/** A vault maps exit codes to statuses from the manifest: it must say what the host does. */
function checkStatuses(entries) {
  const fail = (what) => new ManifestError(`invalid manifest: statuses: ${what}`);
  for (const e of entries) {
    const known = STATUS_EXIT_CODES.find(([name]) => name === e.name);
    if (!known) throw fail(`unknown status ${JSON.stringify(e.name)}`);
    if (e.exit_code !== known[1]) throw fail(`${e.name} has exit code ${e.exit_code}, sfrpc exits ${known[1]}`);
  }
  for (const [name] of STATUS_EXIT_CODES) {
    const listed = entries.filter((e) => e.name === name).length;
    if (listed !== 1) throw fail(`${name} is listed ${listed} times (once expected)`);
  }
}

/** A JSON number kept with its source text, so integers can be told from 1.0 or 1e3. */
class JsonNumber {
  constructor(raw) {
    this.raw = raw;
    this.value = Number(raw);
  }
}

/**
 * A small strict JSON parser: standard JSON, but duplicate object keys are an error and
 * numbers stay JsonNumber. (JSON.parse keeps the last duplicate silently.)
 */
function parseStrict(text) {
  let i = 0;
  const fail = (what) => {
    throw new ManifestError(`invalid manifest: ${what} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const value = (path) => {
    ws();
    const c = text[i];
    if (c === "{") return object(path);
    if (c === "[") return array(path);
    if (c === '"') return string();
    if (c === "-" || (c >= "0" && c <= "9")) return number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(c === undefined ? "unexpected end of file" : "unexpected character");
  };
  const string = () => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
    if (!m) fail("invalid string");
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const number = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m) fail("invalid number");
    i += m[0].length;
    return new JsonNumber(m[0]);
  };
  const array = (path) => {
    i++;
    const out = [];
    ws();
    if (text[i] === "]") {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(`${path}[${out.length}]`));
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "]") {
        i++;
        return out;
      } else fail("expected ',' or ']'");
    }
  };
  const object = (path) => {
    i++;
    const out = Object.create(null);
    ws();
    if (text[i] === "}") {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail("expected a key");
      const key = string();
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        throw new ManifestError(`invalid manifest: duplicate field "${key}"${path ? ` in ${path}` : ""}`);
      }
      ws();
      if (text[i] !== ":") fail("expected ':'");
      i++;
      out[key] = value(path ? `${path}.${key}` : key);
      ws();
      if (text[i] === ",") i++;
      else if (text[i] === "}") {
        i++;
        return out;
      } else fail("expected ',' or '}'");
    }
  };
  const v = value("");
  ws();
  if (i !== text.length) fail("trailing characters");
  return v;
}

// The manifest's shape, as manifest.rs declares it: a field is [type, required].
const string = { kind: "string" };
const bool = { kind: "bool" };
const i32 = { kind: "i32" };
const list = (of) => ({ kind: "list", of });
const struct = (fields) => ({ kind: "struct", fields });
const SHAPE = struct({
  name: [string, true],
  version: [string, true],
  description: [string, true],
  abi: [string, true],
  entry_points: [struct({
    wasm: [struct({ module: [string, true], glue: [string, true] }), true],
    native: [struct({ binary: [string, true] }), true],
  }), true],
  operations: [list(string), true],
  secret_template: [struct({
    name: [string, true],
    fields: [list(struct({ slug: [string, true], name: [string, true], required: [bool, true], is_password: [bool, true] })), true],
  }), true],
  statuses: [list(struct({ name: [string, true], exit_code: [i32, true], description: [string, true] })), true],
  other_exit_codes: [list(struct({ exit_code: [i32, true], description: [string, true] })), false],
  capabilities: [struct({
    network: [struct({ allowed_outbound_hosts: [list(string), false] }), false],
  }), false],
});

/** Checks `v` against `shape`; returns the plain JS value (numbers as numbers). */
function check(v, shape, path) {
  const where = path || "the manifest";
  const wrong = (expected) => new ManifestError(`invalid manifest: ${where} must be ${expected}`);
  switch (shape.kind) {
    case "string":
      if (typeof v !== "string") throw wrong("a string");
      return v;
    case "bool":
      if (typeof v !== "boolean") throw wrong("true or false");
      return v;
    case "i32":
      if (!(v instanceof JsonNumber) || !/^-?[0-9]+$/.test(v.raw) || v.value < -(2 ** 31) || v.value >= 2 ** 31) {
        throw wrong("an integer");
      }
      return v.value;
    case "list":
      if (!Array.isArray(v)) throw wrong("a list");
      return v.map((item, n) => check(item, shape.of, `${path}[${n}]`));
    case "struct": {
      if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof JsonNumber) throw wrong("an object");
      const known = Object.keys(shape.fields);
      const out = {};
      for (const key of Object.keys(v)) {
        if (!known.includes(key)) {
          throw new ManifestError(`invalid manifest: unknown field "${key}" in ${where} (expected one of ${known.join(", ")})`);
        }
      }
      for (const [key, [fieldShape, required]] of Object.entries(shape.fields)) {
        const sub = path ? `${path}.${key}` : key;
        if (!(key in v)) {
          if (required) throw new ManifestError(`invalid manifest: missing field "${key}" in ${where}`);
          continue;
        }
        out[key] = check(v[key], fieldShape, sub);
      }
      return out;
    }
    default:
      throw new Error("unreachable");
  }
}

/**
 * Parses and validates manifest text like the native host. Returns the manifest object with
 * `allowlist` (the parsed `capabilities.network.allowed_outbound_hosts` entries, empty when
 * absent: deny-all). Throws ManifestError.
 */
export function parseManifestStrict(text) {
  const manifest = check(parseStrict(String(text)), SHAPE, "");
  if (manifest.abi !== ABI) {
    throw new ManifestError(`invalid manifest: abi ${JSON.stringify(manifest.abi)} is not supported (this host speaks "${ABI}")`);
  }
  const unknown = manifest.operations.find((op) => !OPERATIONS.includes(op));
  if (unknown !== undefined) {
    throw new ManifestError(`invalid manifest: unknown operation ${JSON.stringify(unknown)} (known: ${OPERATIONS.join(", ")})`);
  }
  checkStatuses(manifest.statuses);
  const hosts = manifest.capabilities?.network?.allowed_outbound_hosts ?? [];
  const allowlist = hosts.map((entry) => {
    try {
      return parseEntry(entry);
    } catch (e) {
      throw new ManifestError(`invalid manifest: ${e.message}`);
    }
  });
  return { ...manifest, allowlist };
}

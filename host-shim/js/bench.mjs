// Bench: the .wasm size, the time to load and instantiate it, and the time of a heartbeat
// against the real emulator binary (cold: right after a fresh instantiation; warm: median).
// usage: node host-shim/js/bench.mjs [--runs N] [--request FILE --org FILE ...]
// Without --request it uses the scenario heartbeat_ok of tests/scenarios/heartbeat.json.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { runJob, REPO_ROOT, PKG_GLUE } from "./src/run.js";
import { startEmulator, resolveTo } from "./test-support/emulator.js";

const { values } = parseArgs({ options: {
  runs: { type: "string", default: "20" }, request: { type: "string" }, org: { type: "string", multiple: true, default: [] },
} });
const runs = Math.max(1, Math.min(1000, Number(values.runs) || 20));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(2)} ms`;

const wasmPath = path.join(path.dirname(PKG_GLUE), "sfrpc_plugin_bg.wasm");
const bytes = fs.readFileSync(wasmPath);
console.log(`wasm size: ${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KiB)`);

// Load = require the glue afresh: read the .wasm, compile it and instantiate it.
const require = createRequire(import.meta.url);
const freshPlugin = () => {
  delete require.cache[require.resolve(PKG_GLUE)];
  return require(PKG_GLUE);
};
const loads = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  freshPlugin();
  loads.push(performance.now() - t);
}
console.log(`load + compile + instantiate (median of ${runs}): ${ms(median(loads))}`);

let request;
let orgs;
if (values.request) {
  request = JSON.parse(fs.readFileSync(values.request, "utf8"));
  orgs = values.org.length ? values.org : [path.join(REPO_ROOT, "fixtures", "orgs", "demo.json")];
} else {
  const list = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tests", "scenarios", "heartbeat.json"), "utf8"));
  const sc = list.find((s) => s.name === "heartbeat_ok");
  request = sc.request;
  orgs = [path.join(REPO_ROOT, sc.org)];
}
request = { ...request, operation: "heartbeat" };

const emu = await startEmulator(orgs);
try {
  const opts = { ca: emu.ca, resolve: resolveTo(emu.port), timeoutMs: 10000 };
  const heartbeat = async (plugin) => {
    const t = performance.now();
    const result = await runJob(request, { ...opts, plugin });
    const took = performance.now() - t;
    if (result.status !== "Success") throw new Error(`heartbeat ended ${result.status} (${result.code})`);
    return took;
  };
  const cold = [];
  for (let i = 0; i < Math.min(runs, 10); i++) {
    const t = performance.now();
    const plugin = freshPlugin();
    const load = performance.now() - t;
    cold.push(load + (await heartbeat(plugin)));
  }
  console.log(`instantiate + first heartbeat against the emulator (median of ${cold.length}): ${ms(median(cold))}`);
  const plugin = freshPlugin();
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(await heartbeat(plugin));
  console.log(`heartbeat against the emulator, warm module (median of ${runs}): ${ms(median(warm))}`);
} finally {
  emu.stop();
}

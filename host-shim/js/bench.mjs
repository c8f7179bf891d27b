// Bench: .wasm size, time to instantiate, and a heartbeat against the emulator (median of N).
// usage: node host-shim/js/bench.mjs [--runs N] --request FILE [--org FILE ...]
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { runJob, REPO_ROOT } from "./src/run.js";
import { startEmulator, resolveTo } from "./test-support/emulator.js";

const { values } = parseArgs({ options: {
  runs: { type: "string", default: "20" }, request: { type: "string" }, org: { type: "string", multiple: true, default: [] },
} });
const wasmPath = path.join(REPO_ROOT, "host-shim", "js", "pkg", "sfrpc_plugin_bg.wasm");
const bytes = fs.readFileSync(wasmPath);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`wasm size: ${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KiB)`);
const inst = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  new WebAssembly.Module(bytes);
  inst.push(performance.now() - t);
}
console.log(`WebAssembly.Module compile (median of 10): ${median(inst).toFixed(2)} ms`);
if (!values.request) {
  console.log("heartbeat: skipped (pass --request FILE and --org FILE to time a heartbeat against the emulator)");
  process.exit(0);
}
const request = JSON.parse(fs.readFileSync(values.request, "utf8"));
request.operation = "heartbeat";
const emu = await startEmulator(values.org.length ? values.org : [path.join(REPO_ROOT, "fixtures", "orgs", "demo.json")]);
try {
  const runs = Math.max(1, Math.min(1000, Number(values.runs)));
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const result = await runJob(request, { ca: emu.ca, resolve: resolveTo(emu.port), timeoutMs: 10000 });
    times.push(performance.now() - t);
    if (result.status !== "Success") throw new Error(`heartbeat ended ${result.status} (${result.code})`);
  }
  console.log(`heartbeat against the emulator (median of ${runs}): ${median(times).toFixed(2)} ms`);
} finally {
  emu.stop();
}

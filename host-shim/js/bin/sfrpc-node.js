#!/usr/bin/env node
// sfrpc-node heartbeat|change|diagnose: the Node host's CLI (see src/cli.js).
import { main } from "../src/cli.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`sfrpc-node: internal error: ${err?.message ?? "unknown"}\n`);
    process.exitCode = 16;
  },
);

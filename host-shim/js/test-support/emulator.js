// Spawns the real sfrpc-emulator binary and talks to its control API (tests only).
import { spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { REPO_ROOT } from "../src/run.js";

export const EMULATOR_BIN = path.join(REPO_ROOT, "target", "debug", "sfrpc-emulator");

/** Starts the emulator with the given org files; resolves to {addr, port, ca, caPath, call, stop}. */
export async function startEmulator(orgFiles, extraArgs = []) {
  if (!fs.existsSync(EMULATOR_BIN)) throw new Error("target/debug/sfrpc-emulator is missing: run cargo build -p sfrpc-emulator");
  const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "sfrpc-node-emu-"));
  const args = [...orgFiles.flatMap((f) => ["--org", f]), "--listen", "127.0.0.1:0", "--ca-out", caDir, ...extraArgs];
  const child = spawn(EMULATOR_BIN, args, { stdio: ["ignore", "pipe", "ignore"] });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("emulator did not print its address within 20 s")), 20000);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`emulator exited early (${code})`)); });
    readline.createInterface({ input: child.stdout }).once("line", (line) => { clearTimeout(timer); resolve(line); });
  });
  const { addr, ca_cert } = JSON.parse(first);
  const port = Number(addr.split(":").pop());
  const ca = fs.readFileSync(ca_cert, "utf8");
  const call = (method, p, body) => new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({ host: "127.0.0.1", servername: "localhost", port, method, path: p, ca,
      headers: data ? { "Content-Type": "application/json", "Content-Length": data.length } : {} }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode >= 300) reject(new Error(`control API ${method} ${p} answered ${res.statusCode}`));
        else resolve(text ? JSON.parse(text) : null);
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error("control API timeout")));
    req.on("error", reject);
    req.end(data);
  });
  const stop = () => {
    child.kill("SIGTERM");
    fs.rmSync(caDir, { recursive: true, force: true });
  };
  return { addr, port, ca, caPath: ca_cert, call, stop };
}

/** The --resolve entries that send the Salesforce hostnames to the emulator. */
export function resolveTo(port) {
  return ["login.salesforce.com", "test.salesforce.com", "*.my.salesforce.com"].map((h) => `${h}=127.0.0.1:${port}`);
}

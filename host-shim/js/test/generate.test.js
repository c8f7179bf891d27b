// Password generation by the Node host, and a change without new_password end to end.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { generatePassword, SAFE_SPECIALS } from "../src/generate.js";
import { runJob, REPO_ROOT } from "../src/run.js";
import { startEmulator, resolveTo } from "../test-support/emulator.js";

test("generated passwords have every class, the length, and only safe characters", () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const pw = generatePassword(i % 2 === 0 ? 8 : 32);
    assert.equal(pw.length, i % 2 === 0 ? 20 : 32);
    // assert.ok, never assert.match: a failure must not print the password.
    assert.ok(/[A-Z]/.test(pw), "an upper-case letter");
    assert.ok(/[a-z]/.test(pw), "a lower-case letter");
    assert.ok(/[0-9]/.test(pw), "a digit");
    assert.ok([...pw].some((c) => SAFE_SPECIALS.includes(c)), "a special character");
    assert.ok(/^[A-Za-z0-9#\-_=+]+$/.test(pw), "only letters, digits and safe specials (no $ < > ! %)");
    seen.add(pw);
  }
  assert.equal(seen.size, 200, "no repeats");
  assert.equal(SAFE_SPECIALS, "#-_=+", "the native host's SAFE_SPECIALS");
  assert.throws(() => generatePassword(257), RangeError);
});

const changeOk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "tests", "scenarios", "change.json"), "utf8"))
  .find((s) => s.name === "change_ok");

test("change without new_password: the generated one is returned and is the one Salesforce has", async () => {
  const emu = await startEmulator([path.join(REPO_ROOT, changeOk.org)]);
  try {
    const { new_password: _given, ...request } = { ...changeOk.request, operation: "change" };
    request.org = { password_policy: { min_length: 24, complexity: "alpha_numeric_special" } };
    const result = await runJob(request, { ca: emu.ca, resolve: resolveTo(emu.port), timeoutMs: 10000 });
    assert.equal(result.status, "Success", `code ${result.code}`);
    assert.equal(result.active_password, "new");
    assert.equal(typeof result.new_password, "string");
    assert.equal(result.new_password.length, 24);
    const username = request.secret.items.find((i) => i.slug === "username").itemValue;
    const check = await emu.call("POST", `/__emulator/users/${encodeURIComponent(username)}/check-password`, { password: result.new_password });
    assert.equal(check.valid, true, "the emulator accepts the generated password");
    assert.ok(!result.log.join("\n").includes(result.new_password), "the log never carries it");
  } finally {
    emu.stop();
  }
});

test("a generated password is not returned when the change did not happen", async () => {
  const emu = await startEmulator([path.join(REPO_ROOT, changeOk.org)]);
  try {
    const { new_password: _given, ...request } = { ...changeOk.request, operation: "change" };
    request.secret = { ...request.secret, items: request.secret.items.map((i) => (i.slug === "password" ? { ...i, itemValue: "Wrong-Password-99" } : i)) };
    const result = await runJob(request, { ca: emu.ca, resolve: resolveTo(emu.port), timeoutMs: 10000 });
    assert.equal(result.status, "LoginFailed");
    assert.equal(result.active_password, "current");
    assert.ok(result.new_password === undefined, "no generated password returned");
  } finally {
    emu.stop();
  }
});

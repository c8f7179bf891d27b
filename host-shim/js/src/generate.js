// New-password generation for `change` without `new_password`, as the native host does it:
// the OS RNG (crypto.randomInt, no modulo bias), every character class Salesforce counts,
// length max(declared minimum, 20), and no character that breaks SOAP, shell or batch-file
// quoting.

import { randomInt } from "node:crypto";

/** The generated length when the policy asks for less. */
export const MIN_GENERATED_LENGTH = 20;
/** The longest password this host generates. */
export const MAX_GENERATED_LENGTH = 256;

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
/** Salesforce's special characters minus those that break SOAP, shell or cmd.exe quoting ($ < > ! %). */
export const SAFE_SPECIALS = "#-_=+";

/** Generates a password for `minLength` (default Salesforce's 8); throws on a length beyond 256. */
export function generatePassword(minLength = 8) {
  const length = Math.max(Number.isInteger(minLength) ? minLength : 8, MIN_GENERATED_LENGTH);
  if (length > MAX_GENERATED_LENGTH) {
    throw new RangeError(`the declared minimum length ${minLength} is longer than ${MAX_GENERATED_LENGTH}`);
  }
  const classes = [UPPER, LOWER, DIGITS, SAFE_SPECIALS];
  const all = classes.join("");
  const chars = classes.map((c) => c[randomInt(c.length)]);
  while (chars.length < length) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

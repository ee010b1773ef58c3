// Password hashing with argon2id from node:crypto. Each hash carries its own parameters in the PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash), so raising the cost later leaves old hashes verifiable and lets
// the server re-hash them at the next sign-in.

import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../../contract/limits.ts";

export interface Argon2Parameters {
  /** Memory in KiB. */
  memory: number;
  passes: number;
  parallelism: number;
}

// OWASP's first argon2id configuration (19 MiB, 2 passes, 1 lane): about 30 ms on one core, which also bounds
// what a burst of sign-in attempts can cost the server.
export const DEFAULT_ARGON2: Argon2Parameters = { memory: 19456, passes: 2, parallelism: 1 };

const TAG_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, p: Argon2Parameters, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      "argon2id",
      { message: password, nonce: salt, memory: p.memory, passes: p.passes, parallelism: p.parallelism, tagLength },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, parameters: Argon2Parameters = DEFAULT_ARGON2): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const tag = await derive(password, salt, parameters, TAG_LENGTH);
  return `$argon2id$v=19$m=${parameters.memory},t=${parameters.passes},p=${parameters.parallelism}$${salt.toString("base64url")}$${tag.toString("base64url")}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/;

export function parametersOf(hash: string): Argon2Parameters | undefined {
  const m = PHC.exec(hash);
  return m ? { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) } : undefined;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = PHC.exec(hash);
  if (!m) return false;
  const parameters = { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) };
  const expected = Buffer.from(m[5] as string, "base64url");
  const tag = await derive(password, Buffer.from(m[4] as string, "base64url"), parameters, expected.length);
  return timingSafeEqual(tag, expected);
}

/** True when a hash was made with weaker parameters than the current ones and should be replaced. */
export function needsRehash(hash: string, current: Argon2Parameters = DEFAULT_ARGON2): boolean {
  const p = parametersOf(hash);
  return !p || p.memory < current.memory || p.passes < current.passes || p.parallelism < current.parallelism;
}

// Verifying against this when the account does not exist makes "no such user" take as long as "wrong password".
let dummyHash: Promise<string> | undefined;
export async function spendVerificationTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
}

/** A password strong enough to print once and hand over: 20 characters from a 56-letter alphabet (about 116 bits). */
export function generatePassword(): string {
  const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(40);
  let out = "";
  for (const b of bytes) {
    // 224 = 4 * 56: rejecting the rest keeps every letter equally likely.
    if (b < 224) out += alphabet[b % 56];
    if (out.length === 20) return out;
  }
  return out + generatePassword().slice(out.length);
}

/** A reason the password cannot be used, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

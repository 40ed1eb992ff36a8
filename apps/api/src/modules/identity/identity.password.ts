// Password hashing (argon2id) and the password policy: long enough, not common, not personal.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). The library's default algorithm is
 * argon2id; its enum is a `const enum` that type stripping cannot inline, so it is left implicit.
 */
const HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed login, not a server error.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification when there is no hash to check (unknown login, account
 * without a password), so response time does not reveal whether an account exists.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('timing-equaliser-not-a-real-password');
  await verifyPassword(await dummyHash, password);
  return false;
}

let commonPasswords: ReadonlySet<string> | undefined;

/** The shipped list of the most common passwords (see the header of common-passwords.txt). */
export function loadCommonPasswords(): ReadonlySet<string> {
  if (!commonPasswords) {
    const text = readFileSync(path.join(import.meta.dirname, 'common-passwords.txt'), 'utf8');
    commonPasswords = new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0 && !line.startsWith('#')),
    );
  }
  return commonPasswords;
}

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
};

/**
 * The forms a guesser tries first: the password itself, with digits or symbols stripped from its
 * ends ("Sunshine2024!"), and with look-alike characters undone ("p@ssw0rd").
 */
function guessableForms(password: string): string[] {
  const lower = password.toLowerCase();
  const unleet = [...lower].map((c) => LEET[c] ?? c).join('');
  const forms = new Set<string>();
  for (const form of [lower, unleet]) {
    forms.add(form);
    forms.add(form.replace(/[^a-z]+$/, ''));
    forms.add(form.replace(/^[^a-z]+/, ''));
    forms.add(form.replace(/^[^a-z]+|[^a-z]+$/g, ''));
  }
  // Short stems such as "a" or "abc" match too much; the list starts at four characters.
  return [...forms].filter((form) => form.length >= 4);
}

export function isCommonPassword(password: string): boolean {
  const list = loadCommonPasswords();
  if (/^(.)\1+$/.test(password)) return true;
  return guessableForms(password).some((form) => list.has(form));
}

const lettersAndDigits = (value: string): string =>
  value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

export interface PasswordProblem {
  code: 'password_too_short' | 'password_too_long' | 'password_common' | 'password_personal';
  message: string;
}

/** Every rule the password breaks (empty when it is acceptable). */
export function checkPasswordPolicy(
  password: string,
  person: { email: string; name: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push({
      code: 'password_too_short',
      message: `Use at least ${MIN_PASSWORD_LENGTH} characters.`,
    });
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push({
      code: 'password_too_long',
      message: `Use at most ${MAX_PASSWORD_LENGTH} characters.`,
    });
  }
  if (isCommonPassword(password)) {
    problems.push({
      code: 'password_common',
      message: 'This password is among the most commonly used ones; choose another.',
    });
  }
  if (containsPersonalInfo(password, person)) {
    problems.push({
      code: 'password_personal',
      message: 'Do not use your email address or your name in your password.',
    });
  }
  return problems;
}

function containsPersonalInfo(password: string, person: { email: string; name: string }): boolean {
  const pw = lettersAndDigits(password);
  const pwLetters = password.toLowerCase().replace(/[^\p{L}]/gu, '');
  const email = person.email.trim().toLowerCase();
  const localPart = lettersAndDigits(email.split('@')[0] ?? '');
  if (password.toLowerCase().includes(email)) return true;
  if (localPart.length >= 3 && pw.includes(localPart)) return true;
  const fullName = lettersAndDigits(person.name);
  if (fullName.length >= 3 && pw.includes(fullName)) return true;
  // "Jennifer2024!" for Jennifer Lopez: a name part dressed up with digits and symbols.
  const nameParts = person.name
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter((part) => part.length >= 3);
  return nameParts.includes(pwLetters);
}

import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  hashPassword,
  isCommonPassword,
  loadCommonPasswords,
  verifyNothing,
  verifyPassword,
} from './identity.password.ts';

const person = { email: 'jennifer.lopez@example.edu', name: 'Jennifer Lopez' };
const codes = (password: string, who = person) =>
  checkPasswordPolicy(password, who).map((p) => p.code);

describe('password policy', () => {
  it('accepts a long, uncommon, impersonal password', () => {
    expect(codes('violet-harbor-lantern-42')).toEqual([]);
    expect(codes('Tr0ub4dor&3xyz')).toEqual([]);
  });

  it('requires at least 10 characters, counting characters not bytes', () => {
    expect(codes('vQ7#kd9!z')).toEqual(['password_too_short']);
    expect(codes('vQ7#kd9!zX')).toEqual([]);
    // Nine emoji are 18 UTF-16 units but still nine characters.
    expect(codes('🦊🦊🦊🦊🦊🦊🦊🦊🦊')).toContain('password_too_short');
  });

  it('ships a real list of common passwords, most frequent first', () => {
    const list = loadCommonPasswords();
    expect(list.size).toBeGreaterThan(40_000);
    expect([...list].slice(0, 3)).toEqual(['123456', 'password', '12345678']);
  });

  it('refuses common passwords, also with case, digits and look-alikes dressed up', () => {
    for (const password of [
      'password123',
      'qwertyuiop',
      '1234567890',
      'Sunshine2024!',
      'P@ssw0rd2024',
      'iloveyou!!!!',
      'zzzzzzzzzzzz',
    ]) {
      expect(isCommonPassword(password), password).toBe(true);
      expect(codes(password), password).toContain('password_common');
    }
    expect(isCommonPassword('violet-harbor-lantern-42')).toBe(false);
  });

  it('refuses the email, its local part and the name', () => {
    expect(codes('jennifer.lopez@example.edu')).toContain('password_personal');
    expect(codes('xx-jenniferlopez-xx')).toContain('password_personal');
    expect(codes('jennifer.lopez!!')).toContain('password_personal');
    expect(codes('Jennifer2024!!')).toContain('password_personal');
    expect(codes('LOPEZ-1234567')).toContain('password_personal');
    // A name part inside a longer phrase is fine; the rule is about the name as the password.
    expect(codes('lopez-river-canyon-dusk')).toEqual([]);
  });

  it('reports every broken rule at once', () => {
    expect(codes('jennifer', person).sort()).toEqual([
      'password_common',
      'password_personal',
      'password_too_short',
    ]);
  });
});

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('violet-harbor-lantern-42');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(hash).not.toContain('violet');
    await expect(verifyPassword(hash, 'violet-harbor-lantern-42')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'violet-harbor-lantern-43')).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same-password-x'),
      hashPassword('same-password-x'),
    ]);
    expect(a).not.toBe(b);
  });

  it('treats a malformed stored hash as a failed check, and verifyNothing as always false', async () => {
    await expect(verifyPassword('not-a-hash', 'anything-at-all')).resolves.toBe(false);
    await expect(verifyNothing('anything-at-all')).resolves.toBe(false);
  });
});

// Test helpers for signed-in requests: make a user with given roles, then log in as them.
import { randomBytes } from 'node:crypto';
import type { Role } from '../db/tables/identity.ts';
import { hashPassword } from '../modules/identity/identity.password.ts';
import { insertStudent, insertUser } from '../modules/identity/identity.repo.ts';
import { classStandingForCredits } from '../modules/identity/identity.service.ts';
import type { SessionTokens } from '../modules/identity/identity.schemas.ts';
import { newId } from '../lib/ids.ts';
import type { TestApp } from './test-app.ts';

/** The password every helper-made user has unless told otherwise. */
export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface TestUser {
  id: string;
  email: string;
  username: string | undefined;
  name: string;
  password: string;
  roles: Role[];
  /** Present when the user has the student role. */
  studentNumber: string | undefined;
}

export interface CreateTestUserOptions {
  name?: string;
  email?: string;
  username?: string;
  password?: string;
  /** Student fields (users with the student role only). */
  student?: {
    program?: string | null;
    creditsEarned?: number;
    advisorId?: string | null;
    interests?: string[];
  };
}

let sharedHash: Promise<string> | undefined;
let counter = 0;

/**
 * Inserts a user with the given role(s) straight into the test database (no HTTP, no policy
 * checks) and returns who they are, with their password. Students get a student record.
 */
export async function createUserWithRole(
  t: TestApp,
  role: Role | Role[],
  options: CreateTestUserOptions = {},
): Promise<TestUser> {
  const roles = Array.isArray(role) ? [...role] : [role];
  counter += 1;
  const tag = `${roles.join('-')}-${counter}-${randomBytes(3).toString('hex')}`;
  const password = options.password ?? TEST_PASSWORD;
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = password === TEST_PASSWORD ? await sharedHash : await hashPassword(password);
  const user: TestUser = {
    id: newId(),
    email: options.email ?? `${tag}@test.openregistrar.dev`,
    username: options.username,
    name:
      options.name ??
      `Test ${roles.map((r) => r[0]!.toUpperCase() + r.slice(1)).join(' ')} ${counter}`,
    password,
    roles,
    studentNumber: undefined,
  };
  const db = t.database.db;
  await db.transaction().execute(async (tx) => {
    await insertUser(tx, {
      id: user.id,
      email: user.email,
      username: user.username ?? null,
      name: user.name,
      passwordHash,
      roles,
    });
    if (roles.includes('student')) {
      user.studentNumber = `T${user.id.replace(/-/g, '').slice(-12)}`.slice(0, 20);
      const credits = options.student?.creditsEarned ?? 0;
      await insertStudent(tx, {
        userId: user.id,
        studentNumber: user.studentNumber,
        program: options.student?.program ?? null,
        classStanding: classStandingForCredits(credits),
        creditsEarned: credits,
        interests: options.student?.interests ?? [],
        advisorId: options.student?.advisorId ?? null,
      });
    }
  });
  return user;
}

export interface LoggedIn extends SessionTokens {
  /** `{ authorization: 'Bearer …' }` for app.inject. */
  headers: { authorization: string };
  /** The cookies login set (access_token, refresh_token, csrf). */
  cookies: Record<string, string>;
  /** Headers for a browser-style request: the cookies plus a matching X-CSRF-Token. */
  cookieHeaders: { cookie: string; 'x-csrf-token': string };
}

/** Logs in through POST /api/v1/auth/login (by email) and returns tokens and ready headers. */
export async function loginAs(
  t: TestApp,
  user: Pick<TestUser, 'email' | 'password'>,
  options: { remoteAddress?: string } = {},
): Promise<LoggedIn> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login: user.email, password: user.password },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
  if (res.statusCode !== 200) {
    throw new Error(`login as ${user.email} failed: ${res.statusCode} ${res.body}`);
  }
  const body = res.json<SessionTokens>();
  const cookies: Record<string, string> = {};
  for (const cookie of res.cookies) cookies[cookie.name] = cookie.value;
  return {
    ...body,
    headers: { authorization: `Bearer ${body.accessToken}` },
    cookies,
    cookieHeaders: {
      cookie: Object.entries(cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join('; '),
      'x-csrf-token': cookies.csrf ?? '',
    },
  };
}

/** Shorthand: a new user with the role(s), logged in. */
export async function signedInAs(
  t: TestApp,
  role: Role | Role[],
  options: CreateTestUserOptions = {},
): Promise<LoggedIn & { account: TestUser }> {
  const account = await createUserWithRole(t, role, options);
  return { ...(await loginAs(t, account)), account };
}

// The identity HTTP API end to end through app.inject: sessions, throttling, CSRF, password reset,
// user administration, student records and the mail outbox.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithRole, loginAs, signedInAs, TEST_PASSWORD } from '../../test/auth-helpers.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

let t: TestApp;
let ipCounter = 0;
/** A fresh client address, so per-address throttling in one test never touches another. */
const nextIp = () => `203.0.113.${++ipCounter}`;

const GOOD_PASSWORD = 'violet-harbor-lantern-42';

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json<{ code: string; requestId: string; status: number }>();
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(body.requestId).toBeTruthy();
  return body;
}

async function signUp(email: string, password = GOOD_PASSWORD, name = 'Sam Rivera') {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { name, email, password },
  });
}

async function login(login: string, password: string, remoteAddress = nextIp()) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login, password },
    remoteAddress,
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('sign-up, login, /me, refresh, logout', () => {
  it('walks the whole session lifecycle', async () => {
    const signup = await signUp('sam.rivera@example.edu');
    expect(signup.statusCode, signup.body).toBe(201);
    const { user } = signup.json<{ user: Record<string, unknown> }>();
    expect(user).toMatchObject({
      name: 'Sam Rivera',
      email: 'sam.rivera@example.edu',
      roles: ['student'],
      disabled: false,
      student: { classStanding: 'freshman', creditsEarned: 0, interests: [], program: null },
    });
    expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect((user.student as { studentNumber: string }).studentNumber).toMatch(/^\d{8}$/);
    expect(JSON.stringify(user)).not.toContain('password');

    const loggedIn = await login('SAM.RIVERA@example.edu', GOOD_PASSWORD);
    expect(loggedIn.statusCode, loggedIn.body).toBe(200);
    const tokens = loggedIn.json<{
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
    }>();
    expect(tokens.expiresIn).toBe(900);
    const cookies = Object.fromEntries(loggedIn.cookies.map((c) => [c.name, c]));
    expect(cookies.access_token).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies.refresh_token).toMatchObject({ httpOnly: true, path: '/api/v1/auth' });
    expect(cookies.csrf?.httpOnly).toBeFalsy();
    expect(cookies.access_token?.secure).toBeFalsy();

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(tokens.accessToken),
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: 'sam.rivera@example.edu' });

    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const pair = refreshed.json<{ accessToken: string; refreshToken: string }>();
    expect(pair.refreshToken).not.toBe(tokens.refreshToken);
    const meAgain = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(pair.accessToken),
    });
    expect(meAgain.statusCode).toBe(200);

    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: bearer(pair.accessToken),
    });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === 'access_token')?.value).toBe('');
    // Both access tokens of the session and its refresh token stop working at once.
    for (const token of [pair.accessToken, tokens.accessToken]) {
      const refused = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: bearer(token),
      });
      expectProblem(refused, 401, 'unauthenticated');
    }
    const refreshAfterLogout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: pair.refreshToken },
    });
    expectProblem(refreshAfterLogout, 401, 'invalid_refresh_token');
  });

  it('logs in by username too', async () => {
    const user = await createUserWithRole(t, 'instructor', { username: 'prof.okafor' });
    const res = await login('Prof.Okafor', user.password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: user.id, username: 'prof.okafor' } });
  });

  it('rejects weak passwords and bad emails field by field, and taken emails with 409', async () => {
    const weak = await signUp('weak.one@example.edu', 'password123');
    const weakBody = expectProblem(weak, 400, 'validation_failed') as unknown as {
      errors: { path: string; code: string }[];
    };
    expect(weakBody.errors).toContainEqual(
      expect.objectContaining({ path: 'body.password', code: 'password_common' }),
    );
    const short = await signUp('short.one@example.edu', 'x7!kQ');
    expect(short.json<{ errors: { path: string; code: string }[] }>().errors).toContainEqual(
      expect.objectContaining({ path: 'body.password', code: 'password_too_short' }),
    );
    const personal = await signUp('maria.garcia@example.edu', 'maria.garcia-2026', 'Maria Garcia');
    expect(personal.json<{ errors: { code: string }[] }>().errors).toContainEqual(
      expect.objectContaining({ code: 'password_personal' }),
    );
    const badEmail = await signUp('not-an-email');
    const badEmailBody = expectProblem(badEmail, 400, 'validation_failed') as unknown as {
      errors: { path: string }[];
    };
    expect(badEmailBody.errors.map((e) => e.path)).toContain('body.email');

    expect((await signUp('taken@example.edu')).statusCode).toBe(201);
    expectProblem(await signUp('TAKEN@example.edu'), 409, 'email_taken');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"login": "a@b.c", "password": ',
    });
    expectProblem(res, 400, 'malformed_request');
  });
});

describe('refresh token reuse', () => {
  it('refuses a replayed refresh token and kills the newer one too', async () => {
    const user = await createUserWithRole(t, 'student');
    const session = await loginAs(t, user);
    const rotated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expect(rotated.statusCode).toBe(200);
    const newer = rotated.json<{ accessToken: string; refreshToken: string }>();

    const replay = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: session.refreshToken },
    });
    expectProblem(replay, 401, 'refresh_token_reused');
    const newerRefresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: newer.refreshToken },
    });
    expect(newerRefresh.statusCode).toBe(401);
    const newerAccess = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(newer.accessToken),
    });
    expect(newerAccess.statusCode).toBe(401);
    // Another session of the same user is untouched.
    const other = await loginAs(t, user);
    const otherMe = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: other.headers,
    });
    expect(otherMe.statusCode).toBe(200);
  });
});

describe('invalid credentials and throttling', () => {
  it('answers a wrong password and an unknown user with the same body', async () => {
    const user = await createUserWithRole(t, 'student');
    const wrong = await login(user.email, 'not-the-password-1');
    const unknown = await login('nobody-here@example.edu', 'not-the-password-1');
    const wrongBody = expectProblem(wrong, 401, 'invalid_credentials');
    const unknownBody = expectProblem(unknown, 401, 'invalid_credentials');
    expect(wrongBody.requestId).not.toBe(unknownBody.requestId);
    const strip = (body: string) => body.replace(/"requestId":"[^"]*"/, '"requestId":""');
    expect(strip(wrong.body)).toBe(strip(unknown.body));
    expect(wrong.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(wrong.headers['content-length']).toBe(unknown.headers['content-length']);
  });

  it('locks an account after 5 failures in 15 minutes, from any address, with Retry-After', async () => {
    const user = await createUserWithRole(t, 'student');
    for (let i = 0; i < 5; i += 1) {
      expect((await login(user.email, `wrong-password-${i}`)).statusCode).toBe(401);
    }
    const locked = await login(user.email, user.password);
    expectProblem(locked, 429, 'rate_limited');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The lock is stored in the database, so every process and address sees it.
    const row = await t.database.db
      .selectFrom('login_throttle')
      .select(['failures', 'locked_until'])
      .where('key', '=', `user:${user.id}`)
      .executeTakeFirstOrThrow();
    expect(row.failures).toBe(5);
    expect(row.locked_until).not.toBeNull();
  });

  it('locks an address after 20 failures whatever the accounts, but not other addresses', async () => {
    const ip = nextIp();
    for (let i = 0; i < 20; i += 1) {
      expect((await login(`spray-${i}@example.edu`, 'wrong-password-x', ip)).statusCode).toBe(401);
    }
    const user = await createUserWithRole(t, 'student');
    const fromBusyIp = await login(user.email, user.password, ip);
    expectProblem(fromBusyIp, 429, 'rate_limited');
    expect(fromBusyIp.headers['retry-after']).toBeTruthy();
    expect((await login(user.email, user.password, nextIp())).statusCode).toBe(200);
  });

  it('resets the account count after a successful login', async () => {
    const user = await createUserWithRole(t, 'student');
    for (let i = 0; i < 4; i += 1) await login(user.email, `wrong-password-${i}`);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
    for (let i = 0; i < 4; i += 1) await login(user.email, `wrong-password-${i}`);
    expect((await login(user.email, user.password)).statusCode).toBe(200);
  });

  it('refuses a disabled account only once the password is right', async () => {
    const user = await createUserWithRole(t, 'student');
    await t.database.db
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('id', '=', user.id)
      .execute();
    expectProblem(await login(user.email, 'wrong-password-z'), 401, 'invalid_credentials');
    expectProblem(await login(user.email, user.password), 403, 'account_disabled');
  });
});

describe('browser session with cookies and CSRF', () => {
  it('needs X-CSRF-Token on cookie-authenticated mutations', async () => {
    const user = await createUserWithRole(t, 'student');
    const session = await loginAs(t, user);
    const cookieOnly = { cookie: session.cookieHeaders.cookie };

    const read = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: cookieOnly });
    expect(read.statusCode).toBe(200);

    const noToken = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: cookieOnly,
      payload: { name: 'Changed Name' },
    });
    expectProblem(noToken, 403, 'csrf_failed');
    const wrongToken = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...cookieOnly, 'x-csrf-token': 'forged' },
      payload: { name: 'Changed Name' },
    });
    expectProblem(wrongToken, 403, 'csrf_failed');
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: session.cookieHeaders,
      payload: { name: 'Changed Name', interests: ['Robotics', ' robotics ', 'Data Science'] },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      name: 'Changed Name',
      student: { interests: ['Robotics', 'Data Science'] },
    });
  });

  it('refreshes and logs out from cookies, with the CSRF header', async () => {
    const user = await createUserWithRole(t, 'student');
    const session = await loginAs(t, user);
    const refreshNoCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { cookie: session.cookieHeaders.cookie },
    });
    expectProblem(refreshNoCsrf, 403, 'csrf_failed');

    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: session.cookieHeaders,
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const newCookies = Object.fromEntries(refreshed.cookies.map((c) => [c.name, c.value]));
    expect(newCookies.refresh_token).toBeTruthy();
    expect(newCookies.refresh_token).not.toBe(session.cookies.refresh_token);

    const jar = { ...session.cookies, ...newCookies };
    const cookie = Object.entries(jar)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const logoutNoCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie },
    });
    expectProblem(logoutNoCsrf, 403, 'csrf_failed');
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': jar.csrf! },
    });
    expect(logout.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('marks cookies Secure when the public URL is https', async () => {
    const secureApp = await createTestApp({ env: { PUBLIC_URL: 'https://registrar.example.edu' } });
    try {
      const user = await createUserWithRole(secureApp, 'student');
      const res = await secureApp.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: user.email, password: user.password },
      });
      expect(res.statusCode).toBe(200);
      for (const c of res.cookies) expect(c.secure, c.name).toBe(true);
    } finally {
      await secureApp.close();
    }
  });
});

describe('password reset', () => {
  async function latestMailTo(email: string) {
    return t.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', email)
      .orderBy('id', 'desc')
      .executeTakeFirst();
  }

  it('mails a single-use link, applies the policy and ends every session', async () => {
    const user = await createUserWithRole(t, 'student', { name: 'Nadia Haddad' });
    const before = await loginAs(t, user);

    const request = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: user.email.toUpperCase() },
    });
    expect(request.statusCode).toBe(202);
    const mail = await latestMailTo(user.email);
    expect(mail?.subject).toMatch(/reset/i);
    const link = /(http:\/\/localhost:\d+\/reset-password\?token=)([\w%-]+)/.exec(mail!.text_body);
    expect(link).not.toBeNull();
    const token = decodeURIComponent(link![2]!);
    const stored = await t.database.db
      .selectFrom('password_reset_tokens')
      .select(['token_hash', 'expires_at', 'created_at'])
      .where('user_id', '=', user.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toBe(token);
    expect(stored[0]!.expires_at.getTime() - stored[0]!.created_at.getTime()).toBe(30 * 60 * 1000);

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, newPassword: 'nadia2024!!' },
    });
    const weakBody = expectProblem(weak, 400, 'validation_failed') as unknown as {
      errors: { path: string }[];
    };
    expect(weakBody.errors.map((e) => e.path)).toContain('body.newPassword');

    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, newPassword: 'granite-meadow-sparrow-9' },
    });
    expect(confirm.statusCode, confirm.body).toBe(204);

    const oldSession = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: before.headers,
    });
    expect(oldSession.statusCode).toBe(401);
    expect((await login(user.email, user.password)).statusCode).toBe(401);
    expect((await login(user.email, 'granite-meadow-sparrow-9')).statusCode).toBe(200);

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, newPassword: 'another-fine-phrase-7' },
    });
    expectProblem(again, 400, 'invalid_reset_token');
  });

  it('answers 202 for unknown addresses and mails nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('mail_outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const email of ['ghost@example.edu', 'not an email']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email },
      });
      expect(res.statusCode).toBe(202);
    }
    expect(await count()).toBe(before);
  });

  it('refuses an unknown token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token: 'made-up-token', newPassword: 'granite-meadow-sparrow-9' },
    });
    expectProblem(res, 400, 'invalid_reset_token');
  });
});

describe('user administration', () => {
  it('is for admins only: 401 anonymous, 403 for a student', async () => {
    const student = await signedInAs(t, 'student');
    const routes = [
      { method: 'GET' as const, url: '/api/v1/users' },
      {
        method: 'POST' as const,
        url: '/api/v1/users',
        payload: { name: 'X', email: 'x@example.edu', roles: ['student'] },
      },
      { method: 'GET' as const, url: `/api/v1/users/${student.account.id}` },
      {
        method: 'PATCH' as const,
        url: `/api/v1/users/${student.account.id}`,
        payload: { name: 'Y' },
      },
      {
        method: 'POST' as const,
        url: `/api/v1/students/${student.account.id}/transcript`,
        payload: { courseCode: 'CS 101', termCode: 'FA26', grade: 'A', credits: 3 },
      },
      { method: 'GET' as const, url: '/api/v1/admin/outbox' },
    ];
    for (const route of routes) {
      expectProblem(await t.app.inject(route), 401, 'unauthenticated');
      expectProblem(await t.app.inject({ ...route, headers: student.headers }), 403, 'forbidden');
    }
  });

  it('creates, lists, reads and changes accounts', async () => {
    const admin = await signedInAs(t, 'admin');
    const advisor = await createUserWithRole(t, 'advisor', { name: 'Ada Advisor' });
    await t.database.db
      .insertInto('programs')
      .values({ code: 'CS-BS', name: 'Computer Science', degree: 'BS' })
      .onConflict((oc) => oc.doNothing())
      .execute();

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: {
        name: 'Zed Zimmerman',
        email: 'zed.zimmerman@example.edu',
        roles: ['student'],
        username: 'zzimm',
        student: { program: 'CS-BS', creditsEarned: 64, advisorId: advisor.id, interests: ['AI'] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const zed = created.json<{ user: { id: string; student: Record<string, unknown> } }>().user;
    expect(zed.student).toMatchObject({
      program: 'CS-BS',
      classStanding: 'junior',
      creditsEarned: 64,
      advisorId: advisor.id,
    });
    // No password: the person is mailed a link to choose one.
    const setup = await t.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', 'zed.zimmerman@example.edu')
      .executeTakeFirst();
    expect(setup?.text_body).toContain('/reset-password?token=');

    const badRefs = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: {
        name: 'Bad Refs',
        email: 'bad.refs@example.edu',
        roles: ['student'],
        student: { program: 'NOPE', advisorId: admin.account.id },
      },
    });
    expectProblem(badRefs, 400, 'validation_failed');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: {
        name: 'Weak Pw',
        email: 'weak.pw@example.edu',
        roles: ['instructor'],
        password: 'letmein123',
      },
    });
    expectProblem(weak, 400, 'validation_failed');
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: { name: 'Dup', email: 'Zed.Zimmerman@example.edu', roles: ['instructor'] },
    });
    expectProblem(dup, 409, 'email_taken');
    const dupUsername = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin.headers,
      payload: {
        name: 'Dup',
        email: 'other.zed@example.edu',
        roles: ['instructor'],
        username: 'ZZIMM',
      },
    });
    expectProblem(dupUsername, 409, 'username_taken');

    const search = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?q=zimmer&role=student',
      headers: admin.headers,
    });
    expect(search.statusCode).toBe(200);
    expect(search.json<{ items: { id: string }[] }>().items.map((u) => u.id)).toEqual([zed.id]);
    const byNumber = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users?q=${zed.student.studentNumber as string}`,
      headers: admin.headers,
    });
    expect(byNumber.json<{ items: { id: string }[] }>().items.map((u) => u.id)).toEqual([zed.id]);

    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/users/${zed.id}`,
      headers: admin.headers,
    });
    expect(one.json()).toMatchObject({ id: zed.id, username: 'zzimm' });
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/0190a5d6-0000-7000-8000-000000000000',
      headers: admin.headers,
    });
    expectProblem(missing, 404, 'not_found');
    const notUuid = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/123',
      headers: admin.headers,
    });
    expectProblem(notUuid, 400, 'validation_failed');

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${zed.id}`,
      headers: admin.headers,
      payload: {
        name: 'Zed Z. Zimmerman',
        roles: ['student', 'instructor'],
        student: { classStanding: 'senior' },
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Zed Z. Zimmerman',
      roles: ['student', 'instructor'],
      student: { classStanding: 'senior' },
    });
  });

  it('pages through users with a cursor, each user once', async () => {
    const admin = await signedInAs(t, 'admin');
    for (let i = 0; i < 5; i += 1)
      await createUserWithRole(t, 'instructor', { name: `Paging Person ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/users?q=paging%20person&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: admin.headers });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json<{ items: { name: string }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((u) => u.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `Paging Person ${i}`));
    expect(pages).toBe(3);
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users?cursor=garbage',
      headers: admin.headers,
    });
    expectProblem(bad, 400, 'validation_failed');
  });

  it('disabling a user ends their sessions at once; the last admin stays', async () => {
    const admin = await signedInAs(t, 'admin');
    const target = await signedInAs(t, 'instructor');
    const disable = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${target.account.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expect(disable.statusCode).toBe(200);
    expect(disable.json()).toMatchObject({ disabled: true });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: target.headers }))
        .statusCode,
    ).toBe(401);
    const sessions = await t.database.db
      .selectFrom('sessions')
      .select(['revoked_at', 'revoked_reason'])
      .where('user_id', '=', target.account.id)
      .execute();
    expect(sessions.length).toBeGreaterThan(0);
    for (const session of sessions) expect(session.revoked_reason).toBe('account_disabled');
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: target.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);

    // Disable every other admin, then the remaining one cannot remove their own admin role.
    const others = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('id', '!=', admin.account.id)
      .where((eb) => eb(eb.val('admin'), '=', eb.fn.any('roles')))
      .execute();
    for (const other of others) {
      await t.database.db
        .updateTable('users')
        .set({ disabled_at: new Date() })
        .where('id', '=', other.id)
        .execute();
    }
    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${admin.account.id}`,
      headers: admin.headers,
      payload: { roles: ['instructor'] },
    });
    expectProblem(demote, 409, 'last_admin');
    const selfDisable = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${admin.account.id}`,
      headers: admin.headers,
      payload: { disabled: true },
    });
    expectProblem(selfDisable, 409, 'last_admin');
    for (const other of others) {
      await t.database.db
        .updateTable('users')
        .set({ disabled_at: null })
        .where('id', '=', other.id)
        .execute();
    }
  });
});

describe('student records', () => {
  it('shows a profile to the student, their advisor and admins, and 403 to others', async () => {
    const advisor = await signedInAs(t, 'advisor');
    const otherAdvisor = await signedInAs(t, 'advisor');
    const student = await signedInAs(t, 'student', {
      student: { advisorId: advisor.account.id, creditsEarned: 31, interests: ['Robotics'] },
    });
    const otherStudent = await signedInAs(t, 'student');
    const admin = await signedInAs(t, 'admin');
    const url = `/api/v1/students/${student.account.id}`;

    for (const viewer of [student, advisor, admin]) {
      const res = await t.app.inject({ method: 'GET', url, headers: viewer.headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        id: student.account.id,
        studentNumber: student.account.studentNumber,
        classStanding: 'sophomore',
        creditsEarned: 31,
        interests: ['Robotics'],
        advisor: { id: advisor.account.id },
        holdsSummary: { active: 0, blocksRegistration: false, types: [] },
      });
    }
    for (const viewer of [otherAdvisor, otherStudent]) {
      expectProblem(
        await t.app.inject({ method: 'GET', url, headers: viewer.headers }),
        403,
        'forbidden',
      );
      expectProblem(
        await t.app.inject({ method: 'GET', url: `${url}/transcript`, headers: viewer.headers }),
        403,
        'forbidden',
      );
    }
    expectProblem(await t.app.inject({ method: 'GET', url }), 401, 'unauthenticated');
    // A student id that does not exist is 403 to non-admins (no leak) and 404 to admins.
    const ghost = '/api/v1/students/0190a5d6-0000-7000-8000-000000000001';
    expectProblem(
      await t.app.inject({ method: 'GET', url: ghost, headers: advisor.headers }),
      403,
      'forbidden',
    );
    expectProblem(
      await t.app.inject({ method: 'GET', url: ghost, headers: admin.headers }),
      404,
      'not_found',
    );
  });

  it('records transcript entries; passing grades add credits and raise the standing', async () => {
    const admin = await signedInAs(t, 'admin');
    const student = await signedInAs(t, 'student', { student: { creditsEarned: 28 } });
    const url = `/api/v1/students/${student.account.id}/transcript`;
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url, headers: admin.headers, payload });

    const passed = await post({ courseCode: 'cs225', termCode: 'fa26', grade: 'B+', credits: 4 });
    expect(passed.statusCode, passed.body).toBe(201);
    expect(passed.json()).toMatchObject({
      entry: { courseCode: 'CS 225', termCode: 'FA26', grade: 'B+', credits: 4, passed: true },
      creditsEarned: 32,
      classStanding: 'sophomore',
    });
    const failed = await post({ courseCode: 'MATH 241', termCode: 'FA26', grade: 'F', credits: 4 });
    expect(failed.json()).toMatchObject({ entry: { passed: false }, creditsEarned: 32 });
    expectProblem(
      await post({ courseCode: 'CS 225', termCode: 'FA26', grade: 'A', credits: 4 }),
      409,
      'transcript_entry_exists',
    );
    expectProblem(
      await post({ courseCode: 'CS 225', termCode: 'SP27', grade: 'Z', credits: 4 }),
      400,
      'validation_failed',
    );

    const read = await t.app.inject({ method: 'GET', url, headers: student.headers });
    expect(read.statusCode).toBe(200);
    const transcript = read.json<{ items: { courseCode: string }[]; creditsEarned: number }>();
    expect(transcript.items.map((e) => e.courseCode)).toEqual(['CS 225', 'MATH 241']);
    expect(transcript.creditsEarned).toBe(32);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: student.headers });
    expect(me.json()).toMatchObject({ student: { creditsEarned: 32, classStanding: 'sophomore' } });
  });
});

describe('admin mail outbox', () => {
  it('lists mail newest first with cursor pagination', async () => {
    const admin = await signedInAs(t, 'admin');
    for (let i = 0; i < 3; i += 1) {
      const user = await createUserWithRole(t, 'student', { email: `outbox-${i}@example.edu` });
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        payload: { email: user.email },
      });
    }
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/outbox?limit=2',
      headers: admin.headers,
    });
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json<{
      items: { to: string; subject: string; sentAt: string | null }[];
      nextCursor: string;
    }>();
    expect(page1.items.map((m) => m.to)).toEqual(['outbox-2@example.edu', 'outbox-1@example.edu']);
    expect(page1.items[0]!.sentAt).toBeNull();
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/outbox?limit=2&cursor=${page1.nextCursor}`,
      headers: admin.headers,
    });
    const page2 = second.json<{ items: { to: string }[] }>();
    expect(page2.items[0]!.to).toBe('outbox-0@example.edu');
  });
});

describe('test helpers', () => {
  it('createUserWithRole and loginAs give a working session', async () => {
    const user = await createUserWithRole(t, ['instructor', 'advisor']);
    expect(user.password).toBe(TEST_PASSWORD);
    const session = await loginAs(t, user);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers });
    expect(me.json()).toMatchObject({ id: user.id, roles: ['instructor', 'advisor'] });
  });
});

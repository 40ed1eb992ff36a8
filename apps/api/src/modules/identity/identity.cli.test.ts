import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { createAdminFromCli } from './identity.cli.ts';

describe('registrar create-admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates an administrator who can sign in and use admin routes', async () => {
    const user = await createAdminFromCli(t.database.db, {
      email: ' Dean.Office@Example.edu ',
      password: 'granite-meadow-sparrow-9',
      name: 'Dean Office',
    });
    expect(user).toMatchObject({ email: 'dean.office@example.edu', roles: ['admin'] });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'dean.office@example.edu', password: 'granite-meadow-sparrow-9' },
    });
    expect(login.statusCode).toBe(200);
    const users = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` },
    });
    expect(users.statusCode).toBe(200);
  });

  it('explains a weak password, a bad email and a taken email in plain words', async () => {
    await expect(
      createAdminFromCli(t.database.db, {
        email: 'weak@example.edu',
        password: 'short',
        name: 'Weak Admin',
      }),
    ).rejects.toThrow(/^weak password: Use at least 10 characters/);
    await expect(
      createAdminFromCli(t.database.db, {
        email: 'someone@example.edu',
        password: 'password1234',
        name: 'Common Admin',
      }),
    ).rejects.toThrow(/weak password: .*most commonly used/);
    await expect(
      createAdminFromCli(t.database.db, {
        email: 'not-an-email',
        password: 'granite-meadow-sparrow-9',
        name: 'Bad Email',
      }),
    ).rejects.toThrow(/^invalid email: Enter a valid email address/);
    await expect(
      createAdminFromCli(t.database.db, {
        email: 'dean.office@example.edu',
        password: 'granite-meadow-sparrow-9',
        name: 'Second Dean',
      }),
    ).rejects.toThrow('an account with the email dean.office@example.edu already exists');
    const count = await t.database.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});

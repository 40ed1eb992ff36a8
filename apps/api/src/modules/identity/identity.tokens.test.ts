// Token rotation and reuse detection at the service level, on a real (cloned) database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../lib/mailer.ts';
import { fixedClock } from '../../lib/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-app.ts';
import { logIn, logOut, refreshSession, signUp, type IdentityDeps } from './identity.service.ts';
import { SignJWT } from 'jose';
import {
  createTokenSigner,
  generateOpaqueToken,
  hashOpaqueToken,
  verifyHs256,
} from './identity.tokens.ts';

describe('refresh token rotation', () => {
  let database: TestDatabase;
  let deps: IdentityDeps;
  const clock = fixedClock(new Date('2026-11-22T10:00:00Z'));
  const client = { ip: '198.51.100.7', userAgent: 'vitest' };
  let counter = 0;

  async function newSession() {
    counter += 1;
    const email = `rotation-${counter}@example.edu`;
    await signUp(deps, { name: 'Rotation Tester', email, password: 'violet-harbor-lantern-42' });
    return logIn(deps, { login: email, password: 'violet-harbor-lantern-42' }, client);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    deps = {
      db: database.db,
      clock,
      signer: createTokenSigner('unit-test-secret-0123456789abcdefghijklmnop'),
      mailer: createMailer({ db: database.db, config: { smtpUrl: undefined, mailFrom: 'x@y.z' } }),
      publicUrl: 'http://localhost:3000',
      log: { error: () => undefined },
    };
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('stores only hashes of opaque tokens', () => {
    const { token, hash } = generateOpaqueToken();
    expect(hash).toBe(hashOpaqueToken(token));
    expect(hash).not.toBe(token);
    expect(token.length).toBeGreaterThanOrEqual(43);
  });

  it('gives a new pair on each refresh and keeps the session and user', async () => {
    const first = await newSession();
    const second = await refreshSession(deps, first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    const claimsA = await deps.signer.verifyAccessToken(first.accessToken);
    const claimsB = await deps.signer.verifyAccessToken(second.accessToken);
    expect(claimsB?.sessionId).toBe(claimsA?.sessionId);
    const third = await refreshSession(deps, second.refreshToken);
    expect(third.refreshToken).not.toBe(second.refreshToken);
    const stored = await database.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('session_id', '=', claimsA!.sessionId)
      .execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(third.refreshToken);
    expect(stored.map((r) => r.token_hash)).toContain(hashOpaqueToken(third.refreshToken));
  });

  it('treats a second use as theft: 401 and the newer token of the family dies too', async () => {
    const first = await newSession();
    const second = await refreshSession(deps, first.refreshToken);
    await expect(refreshSession(deps, first.refreshToken)).rejects.toMatchObject({
      status: 401,
      code: 'refresh_token_reused',
    });
    await expect(refreshSession(deps, second.refreshToken)).rejects.toMatchObject({
      status: 401,
    });
    const claims = await deps.signer.verifyAccessToken(second.accessToken);
    const session = await database.db
      .selectFrom('sessions')
      .select(['revoked_at', 'revoked_reason'])
      .where('id', '=', claims!.sessionId)
      .executeTakeFirstOrThrow();
    expect(session.revoked_at).not.toBeNull();
    expect(session.revoked_reason).toBe('refresh_token_reused');
  });

  it('refuses unknown, expired and logged-out refresh tokens', async () => {
    await expect(refreshSession(deps, 'not-a-token')).rejects.toMatchObject({
      code: 'invalid_refresh_token',
    });
    const expiring = await newSession();
    clock.advance(31 * 24 * 3600 * 1000);
    try {
      await expect(refreshSession(deps, expiring.refreshToken)).rejects.toMatchObject({
        code: 'invalid_refresh_token',
      });
    } finally {
      clock.set(new Date('2026-11-22T10:00:00Z'));
    }
    const loggedOut = await newSession();
    await logOut(deps, { sessionId: undefined, refreshToken: loggedOut.refreshToken });
    await expect(refreshSession(deps, loggedOut.refreshToken)).rejects.toMatchObject({
      code: 'invalid_refresh_token',
    });
  });

  it('lets exactly one of two simultaneous refreshes with one token win', async () => {
    const session = await newSession();
    const results = await Promise.allSettled([
      refreshSession(deps, session.refreshToken),
      refreshSession(deps, session.refreshToken),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled).toHaveLength(1);
    // The loser saw a used token: the family is revoked, so the winner's token is dead too.
    const winner = (fulfilled[0] as PromiseFulfilledResult<{ refreshToken: string }>).value;
    await expect(refreshSession(deps, winner.refreshToken)).rejects.toMatchObject({ status: 401 });
  });
});

describe('access token verification', () => {
  const signer = createTokenSigner('unit-test-secret-0123456789abcdefghijklmnop');
  const claims = { userId: 'u-1', sessionId: 's-1', roles: ['student' as const] };

  it('accepts a token again after verifying it once, and still refuses altered copies', async () => {
    const token = await signer.signAccessToken(claims);
    expect(await signer.verifyAccessToken(token)).toEqual(claims);
    expect(await signer.verifyAccessToken(token)).toEqual(claims);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        roles: ['admin'],
      }),
    ).toString('base64url');
    expect(
      await signer.verifyAccessToken(`${header}.${forgedPayload}.${signature}`),
    ).toBeUndefined();
    const flipped = signature.startsWith('A') ? 'B' : 'A';
    expect(
      await signer.verifyAccessToken(`${header}.${payload}.${flipped}${signature.slice(1)}`),
    ).toBeUndefined();
    // The same signature bytes spelt another way: the last character's two spare bits set.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const respelt = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(respelt, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(await signer.verifyAccessToken(`${header}.${payload}.${respelt}`)).toBeUndefined();
  });

  it('refuses a token signed with another secret', async () => {
    const other = createTokenSigner('another-secret-0123456789abcdefghijklmnopq');
    expect(await signer.verifyAccessToken(await other.signAccessToken(claims))).toBeUndefined();
  });
});

describe('verifyHs256', () => {
  const secret = 'unit-test-secret-0123456789abcdefghijklmnop';
  const key = new TextEncoder().encode(secret);
  const now = Math.floor(Date.parse('2026-11-22T10:00:00Z') / 1000);
  const sign = (claims: Record<string, unknown>, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
  const unsigned = (header: object, claims: object) =>
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

  it('accepts a valid token and returns its claims', async () => {
    const token = await sign({ iss: 'openregistrar', sub: 'u', exp: now + 60 });
    expect(verifyHs256(token, key, now)).toMatchObject({ sub: 'u' });
  });

  it('refuses expired, not-yet-valid, foreign-issuer, other-algorithm and unsigned tokens', async () => {
    expect(verifyHs256(await sign({ iss: 'openregistrar', exp: now }), key, now)).toBeUndefined();
    expect(verifyHs256(await sign({ iss: 'openregistrar' }), key, now)).toBeUndefined();
    expect(
      verifyHs256(await sign({ iss: 'openregistrar', exp: now + 60, nbf: now + 30 }), key, now),
    ).toBeUndefined();
    expect(verifyHs256(await sign({ iss: 'elsewhere', exp: now + 60 }), key, now)).toBeUndefined();
    expect(
      verifyHs256(await sign({ iss: 'openregistrar', exp: now + 60 }, 'HS512'), key, now),
    ).toBeUndefined();
    expect(
      verifyHs256(unsigned({ alg: 'none' }, { iss: 'openregistrar', exp: now + 60 }), key, now),
    ).toBeUndefined();
    expect(verifyHs256('not-a-token', key, now)).toBeUndefined();
  });
});

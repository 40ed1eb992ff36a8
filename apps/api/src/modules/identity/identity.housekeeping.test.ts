// The hourly sign-in housekeeping deletes only what nobody can use any more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { createTestDatabase, type TestDatabase } from '../../test/test-app.ts';
import { purgeLapsedSignInRecords } from './identity.service.ts';

const DAY = 24 * 3600 * 1000;
const now = new Date('2026-12-07T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const ahead = (ms: number) => new Date(now.getTime() + ms);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

async function addUser(): Promise<string> {
  const id = newId();
  await database.db
    .insertInto('users')
    .values({ id, email: `${id}@example.edu`, name: 'Housekeeping Probe', roles: ['student'] })
    .execute();
  return id;
}

describe('purgeLapsedSignInRecords', () => {
  it('deletes long-ended sessions with their refresh tokens, spent reset links and idle counters', async () => {
    const user = await addUser();
    const sessions = {
      live: { expires_at: ahead(DAY) },
      expiredYesterday: { expires_at: ago(DAY) },
      expiredLongAgo: { expires_at: ago(40 * DAY) },
      revokedLongAgo: { expires_at: ahead(DAY), revoked_at: ago(31 * DAY) },
    };
    const ids: Record<string, string> = {};
    for (const [name, fields] of Object.entries(sessions)) {
      ids[name] = newId();
      await database.db
        .insertInto('sessions')
        .values({ id: ids[name], user_id: user, ...fields })
        .execute();
    }
    await database.db
      .insertInto('refresh_tokens')
      .values({
        token_hash: `hash-${newId()}`,
        session_id: ids.expiredLongAgo!,
        expires_at: ago(39 * DAY),
      })
      .execute();
    await database.db
      .insertInto('password_reset_tokens')
      .values([
        { token_hash: `spent-${newId()}`, user_id: user, expires_at: ago(2 * DAY) },
        { token_hash: `fresh-${newId()}`, user_id: user, expires_at: ahead(DAY / 48) },
      ])
      .execute();
    await database.db
      .insertInto('login_throttle')
      .values([
        { key: `idle-${user}`, failures: 3, window_started_at: ago(2 * DAY) },
        {
          key: `locked-${user}`,
          failures: 9,
          window_started_at: ago(2 * DAY),
          locked_until: ahead(60_000),
        },
        { key: `counting-${user}`, failures: 2, window_started_at: ago(60_000) },
      ])
      .execute();

    const purged = await purgeLapsedSignInRecords({ db: database.db, clock: fixedClock(now) });
    expect(purged).toEqual({ sessions: 2, passwordResetTokens: 1, loginThrottles: 1 });

    const left = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', user)
      .execute();
    expect(left.map((r) => r.id).sort()).toEqual([ids.live, ids.expiredYesterday].sort());
    const tokens = await database.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('session_id', '=', ids.expiredLongAgo!)
      .execute();
    expect(tokens).toEqual([]);
    const resets = await database.db
      .selectFrom('password_reset_tokens')
      .select('token_hash')
      .where('user_id', '=', user)
      .execute();
    expect(resets.map((r) => r.token_hash.split('-')[0])).toEqual(['fresh']);
    const throttles = await database.db
      .selectFrom('login_throttle')
      .select('key')
      .where('key', 'like', `%${user}`)
      .execute();
    expect(throttles.map((r) => r.key.split('-')[0]).sort()).toEqual(['counting', 'locked']);

    // A second run finds nothing more.
    expect(await purgeLapsedSignInRecords({ db: database.db, clock: fixedClock(now) })).toEqual({
      sessions: 0,
      passwordResetTokens: 0,
      loginThrottles: 0,
    });
  });
});

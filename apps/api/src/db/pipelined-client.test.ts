// The pipelining pg client (PostgreSQL only; PGlite has no round trips to save): a cached-plan
// statement carries the held-back BEGIN, a COMMIT_AFTER_MARK statement commits in its own round
// trip, parameters of a pipelined statement arrive exactly as bound ones, and failures still roll
// back.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from '../test/test-app.ts';
import { CACHED_PLAN_MARK, COMMIT_AFTER_MARK } from './database.ts';

const marked = (commit = false) => sql.raw(`${CACHED_PLAN_MARK}${commit ? COMMIT_AFTER_MARK : ''}`);

describe.skipIf(!onPostgres())('pipelined pg client', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 2 });
    await sql`create table pipeline_probe (id int primary key, note text)`.execute(database.db);
  });
  afterAll(async () => {
    await database.destroy();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function count(): Promise<number> {
    const result = await sql<{ n: number }>`select count(*)::int as n from pipeline_probe`.execute(
      database.db,
    );
    return result.rows[0]!.n;
  }

  /** Messages the pool's clients send to the server during `work`. */
  async function roundTrips(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with apply(this) below
    const original = pg.Client.prototype.query;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
      this: pg.Client,
      ...args: unknown[]
    ) {
      const first = args[0];
      if (typeof first === 'string') sent.push(first.slice(0, 40));
      else if (first && typeof first === 'object' && 'summary' in first) {
        sent.push(String(first.summary));
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    await work();
    return sent;
  }

  it('runs a transaction of a read and a committing write in two round trips', async () => {
    let id = 1;
    const transaction = () =>
      database.db.transaction().execute(async (tx) => {
        const read = await sql<{ n: number }>`${marked()}
          select count(*)::int as n from pipeline_probe where id > ${0}::int`.execute(tx);
        await sql`${marked(true)}
          insert into pipeline_probe (id, note) values (${id++}::int, ${'x'}::text)`.execute(tx);
        return read.rows[0]!.n;
      });
    await transaction(); // prepares both statements on this connection
    const sent = await roundTrips(transaction);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^begin; execute cp_\w+$/);
    expect(sent[1]).toMatch(/^execute cp_\w+; commit$/);
    expect(await count()).toBe(2);
  });

  it('has committed when the committing statement returns, before Kysely commits', async () => {
    const before = await count();
    let seenFromOutside = -1;
    await database.db.transaction().execute(async (tx) => {
      await sql`${marked(true)} insert into pipeline_probe (id, note) values (${100}::int, ${'y'}::text)`.execute(
        tx,
      );
      seenFromOutside = await count(); // the pool's other connection
    });
    expect(seenFromOutside).toBe(before + 1);
  });

  it('rolls back when the committing statement fails, and the connection stays usable', async () => {
    const before = await count();
    await expect(
      database.db.transaction().execute(async (tx) => {
        await sql`${marked()} insert into pipeline_probe (id, note) values (${200}::int, ${'a'}::text)`.execute(
          tx,
        );
        // A duplicate key: the statement fails, so its COMMIT never runs.
        await sql`${marked(true)} insert into pipeline_probe (id, note) values (${200}::int, ${'b'}::text)`.execute(
          tx,
        );
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await count()).toBe(before);
    for (let i = 0; i < 4; i++) {
      const result = await database.db
        .transaction()
        .execute((tx) => sql<{ one: number }>`${marked()} select ${1}::int as one`.execute(tx));
      expect(result.rows[0]!.one).toBe(1);
    }
  });

  it('rolls back a transaction whose first statement fails, and one whose later code throws', async () => {
    const before = await count();
    await expect(
      database.db.transaction().execute(async (tx) => {
        await sql`${marked()} select 1 / ${0}::int`.execute(tx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    await expect(
      database.db.transaction().execute(async (tx) => {
        await sql`${marked()} insert into pipeline_probe (id, note) values (${300}::int, ${'c'}::text)`.execute(
          tx,
        );
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await count()).toBe(before);
    // A transaction that never ran a statement sends nothing.
    expect(await roundTrips(() => database.db.transaction().execute(async () => 1))).toEqual([]);
  });

  it('passes every parameter type through a pipelined statement exactly as a plain bound one', async () => {
    const at = new Date('2026-11-22T10:11:12.345Z');
    const values = {
      text: `O'Brien \\ "quoted" — ünïcode; -- not a comment`,
      ids: ['01a20233-9da7-72fa-8999-962729d14af0', '01a20233-9da7-72fa-8999-962729d14af1'],
      labels: ['a,b', 'c"d', "e'f", 'g\\h', ''],
      at,
      json: JSON.stringify({ a: [1, 'two', null], "b'": 'c\\d' }),
      none: null,
      flag: true,
      big: 9007199254740993n,
      real: 1.5,
    };
    const query = (mark: boolean) => sql<Record<string, unknown>>`${mark ? marked() : sql.raw('')}
      select ${values.text}::text as text, ${values.ids}::uuid[] as ids,
        ${values.labels}::text[] as labels, ${values.at}::timestamptz as at,
        ${values.json}::jsonb as json, ${values.none}::text as none, ${values.flag}::boolean as flag,
        ${values.big}::bigint as big, ${values.real}::float8 as real`;
    const [viaExecute, viaBind] = await database.db
      .transaction()
      .execute(async (tx) => [
        (await query(true).execute(tx)).rows[0],
        (await query(false).execute(tx)).rows[0],
      ]);
    expect(viaExecute).toEqual(viaBind);
    expect(viaExecute).toMatchObject({ text: values.text, labels: values.labels, none: null });
    expect((viaExecute!.at as Date).toISOString()).toBe(at.toISOString());
  });

  it('keeps long statements that differ only in the middle apart', async () => {
    // Same length, same first and last few hundred characters: only the full text tells them apart.
    const padding = `/* ${'-'.repeat(400)} */`;
    const long = (middle: 'note' | 'id') =>
      sql<{ value: string }>`${marked()} ${sql.raw(padding)}
        select ${sql.raw(middle === 'note' ? "'note'" : "'id--'")}::text as value, ${1}::int as one
        ${sql.raw(padding)}`;
    // One connection, so both are prepared side by side on it.
    const answers = await database.db.connection().execute(async (connection) => {
      const seen: string[] = [];
      for (const middle of ['note', 'id', 'id', 'note'] as const) {
        seen.push((await long(middle).execute(connection)).rows[0]!.value);
      }
      return seen;
    });
    expect(answers).toEqual(['note', 'id--', 'id--', 'note']);
  });
});

// Migrations: an empty database is brought up to date once, however many processes start at once.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmptyTestDatabase, onPostgres } from '../test/test-app.ts';
import { listPendingMigrations, migrateToLatest, openDatabase } from './database.ts';

describe('migrateToLatest', () => {
  it('migrates an empty database, and a second run changes nothing', async () => {
    const database = await createEmptyTestDatabase();
    try {
      const pendingBefore = await listPendingMigrations(database.db);
      expect(pendingBefore.length).toBeGreaterThan(0);
      const first = await migrateToLatest(database.db);
      expect(first.results?.map((r) => r.migrationName)).toEqual(pendingBefore);
      expect(first.results?.every((r) => r.status === 'Success')).toBe(true);
      expect(await listPendingMigrations(database.db)).toEqual([]);
      const second = await migrateToLatest(database.db);
      expect(second.results).toEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it.runIf(onPostgres())(
    'runs each migration once when three connections migrate an empty database together',
    async () => {
      const empty = await createEmptyTestDatabase();
      const url = empty.url!;
      const pools = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ databaseUrl: url, poolSize: 2 })),
      );
      try {
        const pending = await listPendingMigrations(empty.db);
        const results = await Promise.all(pools.map((pool) => migrateToLatest(pool.db)));
        const executed = results.flatMap((r) => r.results ?? []);
        expect(executed.every((r) => r.status === 'Success')).toBe(true);
        expect(executed.map((r) => r.migrationName).sort()).toEqual([...pending].sort());
        const rows = await sql<{ name: string; runs: number }>`
          select name, count(*)::int as runs from kysely_migration group by name order by name
        `.execute(empty.db);
        expect(rows.rows).toEqual(pending.map((name) => ({ name, runs: 1 })));
        for (const pool of pools) expect(await listPendingMigrations(pool.db)).toEqual([]);
      } finally {
        await Promise.all(pools.map((pool) => pool.close()));
        await empty.destroy();
      }
    },
  );
});

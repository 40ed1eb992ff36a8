// Migrations: an empty database is brought up to date once, however many processes start at once.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createEmptyTestDatabase, onPostgres } from '../test/test-app.ts';
import {
  embeddedTemplatePath,
  listPendingMigrations,
  migrateToLatest,
  openDatabase,
  writeEmbeddedTemplate,
} from './database.ts';

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

describe.skipIf(onPostgres())('the embedded template', () => {
  it('starts a new data directory migrated, and leaves an existing one alone', async () => {
    const template = await writeEmbeddedTemplate();
    expect(template).toBe(embeddedTemplatePath());
    expect(existsSync(template)).toBe(true);

    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'openregistrar-template-')), 'data');
    const fresh = await openDatabase({ dataDir });
    try {
      expect(await listPendingMigrations(fresh.db)).toEqual([]);
      await sql`create table kept_across_restarts (id int)`.execute(fresh.db);
    } finally {
      await fresh.close();
    }
    const reopened = await openDatabase({ dataDir });
    try {
      const row = await sql<{ present: boolean }>`
        select to_regclass('kept_across_restarts') is not null as present
      `.execute(reopened.db);
      expect(row.rows[0]?.present).toBe(true);
    } finally {
      await reopened.close();
    }
  });
});

// Readiness follows the schema: 503 while migrations are pending, 200 once they have run.
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../db/database.ts';
import { createEmptyTestDatabase, createTestApp } from '../test/test-app.ts';
import type { ProblemBody } from './errors.ts';

describe('/readyz', () => {
  it('is 503 migrations_pending on an unmigrated database and 200 once migrated', async () => {
    const database = await createEmptyTestDatabase();
    const t = await createTestApp({ database });
    try {
      const before = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(before.statusCode).toBe(503);
      expect(before.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(before.headers['retry-after']).toBeTruthy();
      const problem = before.json<ProblemBody>();
      expect(problem.code).toBe('migrations_pending');
      expect(problem.detail).toContain('create_identity');
      // Liveness does not depend on the schema.
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      await migrateToLatest(database.db);
      const after = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(after.statusCode).toBe(200);
      expect(after.json()).toEqual({ status: 'ready', database: database.kind });
    } finally {
      await t.close();
    }
    // A fresh embedded database migrated from nothing: slow on a busy 2-core machine.
  }, 240_000);

  it('is 503 database_unavailable when the database is gone', async () => {
    const t = await createTestApp();
    try {
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await t.database.close();
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json<ProblemBody>().code).toBe('database_unavailable');
      expect(res.body).not.toMatch(/ECONNREFUSED|pool|closed/i);
    } finally {
      await t.close();
    }
  });
});

describe('/metrics', () => {
  it('counts requests by route pattern, never by raw URL', async () => {
    const t = await createTestApp();
    try {
      await t.app.inject({ method: 'GET', url: '/healthz' });
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/no-such/0190a0e1-aaaa-7bbb-8ccc-123456789abc',
      });
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(
        /http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/,
      );
      expect(res.body).toContain('route="unmatched",status="404"');
      expect(res.body).not.toContain('0190a0e1');
      expect(res.body).toContain('process_cpu_seconds_total');
    } finally {
      await t.close();
    }
  });
});

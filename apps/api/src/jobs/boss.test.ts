// pg-boss runs on both databases, and a job sent inside a transaction exists only if it commits.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-app.ts';
import { createJobQueue, type JobQueue } from './boss.ts';

const QUEUE = 'platform-probe';

interface ProbePayload {
  label: string;
}

describe('job queue', () => {
  let database: TestDatabase;
  let jobs: JobQueue;
  const received: string[] = [];
  let firstJobDone!: Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    jobs = createJobQueue(database);
    let markDone!: () => void;
    firstJobDone = new Promise<void>((resolve) => (markDone = resolve));
    jobs.define<ProbePayload>(QUEUE, async (data) => {
      received.push(data.label);
      markDone();
    });
    await jobs.start();
  });
  afterAll(async () => {
    await jobs.stop();
    await database.destroy();
  });

  it('runs a job sent in a committed transaction and never one from a rolled-back one', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await jobs.send(trx, QUEUE, { label: 'rolled-back' });
        throw new Error('abandon the transaction');
      }),
    ).rejects.toThrow('abandon the transaction');

    const id = await database.db
      .transaction()
      .execute(async (trx) => jobs.send(trx, QUEUE, { label: 'committed' }));
    expect(id).toBeTruthy();

    await firstJobDone;
    expect(received).toEqual(['committed']);
    const stored = await sql<{ label: string }>`
      select data->>'label' as label from pgboss.job where name = ${QUEUE}
    `.execute(database.db);
    expect(stored.rows.map((r) => r.label)).toEqual(['committed']);
  });
});

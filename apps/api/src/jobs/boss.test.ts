// pg-boss runs on both databases, and a job sent inside a transaction exists only if it commits.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/test-app.ts';
import { createJobQueue, type JobQueue } from './boss.ts';

const QUEUE = 'platform-probe';
const RECURRING = 'platform-probe-hourly';

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
    jobs.recurring(RECURRING, '7 * * * *', async () => {
      received.push('hourly');
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

  it("keeps a recurring job's schedule in the database, once however many processes start", async () => {
    const second = createJobQueue(database);
    second.recurring(RECURRING, '7 * * * *', async () => undefined);
    await second.start();
    await second.stop();
    const schedules = await sql<{ name: string; cron: string; timezone: string }>`
      select name, cron, timezone from pgboss.schedule where name = ${RECURRING}
    `.execute(database.db);
    expect(schedules.rows).toEqual([{ name: RECURRING, cron: '7 * * * *', timezone: 'UTC' }]);
  });
});

// When the head of a wait-list is busy (their own request holds their student lock), the drop does
// not wait for them while holding the section lock (that could deadlock): it leaves the promotion
// to a job, which takes the locks in the one order and promotes within about a second.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, onPostgres, type TestApp } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from './registration.consistency.ts';
import { PROMOTE_WAITLIST_JOB } from './registration.service.ts';
import { createWorld, type World } from './registration.test-world.ts';

describe.skipIf(!onPostgres())('deferred promotion (PostgreSQL)', () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    t = await createTestApp({ startJobs: true });
    world = await createWorld(t.database.db, t.config.jwtSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function statusOf(registrationId: string): Promise<string> {
    const row = await t.database.db
      .selectFrom('registrations')
      .select('status')
      .where('id', '=', registrationId)
      .executeTakeFirstOrThrow();
    return row.status;
  }

  it('promotes through the job once the busy student is free again', async () => {
    await world.addCourse({ code: 'DEF 101', credits: 3 });
    const section = await world.addSection({
      course: 'DEF 101',
      code: 'A',
      capacity: 1,
      waitlistCapacity: 2,
    });
    const holder = await world.addStudent();
    const waiting = await world.addStudent();
    const register = async (who: typeof holder) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/registrations',
          headers: who.headers,
          payload: { sectionId: section },
        })
      ).json<{ registration: { id: string; status: string } }>().registration;
    const held = await register(holder);
    const queued = await register(waiting);
    expect(queued.status).toBe('waitlisted');

    // Another connection holds the waiting student's lock, as their own request would.
    const busy = new pg.Client({ connectionString: t.database.url });
    await busy.connect();
    try {
      await busy.query('begin');
      await busy.query('select 1 from student_terms where student_id = $1 for update', [
        waiting.id,
      ]);
      const drop = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/registrations/${held.id}`,
        headers: holder.headers,
      });
      expect(drop.statusCode).toBe(200);
      expect(await statusOf(queued.id)).toBe('waitlisted');
      const jobs = await sql<{ n: number }>`
        select count(*)::int as n from pgboss.job where name = ${PROMOTE_WAITLIST_JOB}`.execute(
        t.database.db,
      );
      expect(jobs.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await busy.query('commit');
      await busy.end();
    }
    // The job polls every second; give it a generous deadline on a loaded machine.
    const deadline = Date.now() + 30_000;
    while ((await statusOf(queued.id)) !== 'enrolled' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await statusOf(queued.id)).toBe('enrolled');
    expect((await checkRegistrationConsistency(t.database.db)).problems).toEqual([]);
  }, 60_000);
});

describe.runIf(!onPostgres())('deferred promotion', () => {
  it.skip('run only on PostgreSQL (set TEST_DATABASE_URL): it needs a second connection');
});

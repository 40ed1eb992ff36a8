// Races between two real API processes on one PostgreSQL database: a hot section stormed by 500
// students, concurrent drops promoting the right students, one student firing 20 registrations at
// once, Idempotency-Key retries in parallel, and a mixed storm with no deadlock. PGlite has one
// connection and cannot race, so these run only with TEST_DATABASE_URL.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_ROOT,
  SERVER_ENTRY,
  childEnv,
  runNode,
  stopChild,
  type ChildRun,
} from '../../test/processes.ts';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from './registration.consistency.ts';
import { createWorld, type World, type WorldPerson } from './registration.test-world.ts';

const JWT_SECRET = 'race-test-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const COOKIE_SECRET = 'race-test-cookie-secret-0123456789abcdefghijklmnopqrstuvwxyz';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown> & {
    registration?: { id: string; status: string; waitlistPosition?: number };
    errors?: Array<{ code: string }>;
  };
}

describe.skipIf(!onPostgres())('races between two API processes on PostgreSQL', () => {
  let database: TestDatabase;
  let world: World;
  const servers: ChildRun[] = [];
  const bases: string[] = [];
  let turn = 0;

  /** Requests alternate between the two processes. */
  async function call(
    who: WorldPerson,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const base = bases[turn++ % bases.length]!;
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...who.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  }

  async function consistent(): Promise<void> {
    const report = await checkRegistrationConsistency(database.db);
    expect(report.problems).toEqual([]);
  }

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 5 });
    world = await createWorld(database.db, JWT_SECRET, { maxCredits: 12 });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const server = runNode([SERVER_ENTRY], {
        cwd: API_ROOT,
        env: childEnv({
          DATABASE_URL: database.url!,
          JWT_SECRET,
          COOKIE_SECRET,
          SEED_DEMO: 'false',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          DATABASE_POOL_SIZE: '10',
          ADMISSION_MAX_WAIT_MS: '120000',
          // Shedding by CPU load depends on how busy this shared machine is, not on the code.
          LOAD_SHEDDING: 'false',
        }),
      });
      servers.push(server);
      bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(servers.map((s) => s.waitForOutput(/OpenRegistrar is running/)));
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await Promise.race([server.exited, new Promise((r) => setTimeout(r, 10_000))]);
      await stopChild(server);
    }
    await database?.destroy();
  }, 60_000);

  it('500 students at once on 30 seats and 10 wait-list places: 30 in, 10 waiting 1–10, the rest section_full', async () => {
    await world.addCourse({ code: 'HOT 101', credits: 3 });
    const section = await world.addSection({
      course: 'HOT 101',
      code: 'A',
      capacity: 30,
      waitlistCapacity: 10,
      meetings: [{ days: 'MWF', start: '09:00', end: '09:50' }],
    });
    const students = await world.addStudents(500);
    const answers = await Promise.all(
      students.map((s) => call(s, 'POST', '/me/registrations', { sectionId: section })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 422);
    expect(created).toHaveLength(40);
    expect(refused).toHaveLength(460);
    expect(refused.every((a) => a.body.errors?.map((e) => e.code).join() === 'section_full')).toBe(
      true,
    );
    const enrolled = created.filter((a) => a.body.registration!.status === 'enrolled');
    const waiting = created.filter((a) => a.body.registration!.status === 'waitlisted');
    expect(enrolled).toHaveLength(30);
    expect(waiting).toHaveLength(10);
    expect(
      waiting.map((a) => a.body.registration!.waitlistPosition).sort((a, b) => a! - b!),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The position each student was told is their rank now.
    const ranked = await database.db
      .selectFrom('registrations')
      .select('id')
      .where('section_id', '=', section)
      .where('status', '=', 'waitlisted')
      .orderBy('joined_at')
      .orderBy('id')
      .execute();
    for (const answer of waiting) {
      const r = answer.body.registration!;
      expect(ranked.findIndex((row) => row.id === r.id) + 1).toBe(r.waitlistPosition);
    }
    const counters = await database.db
      .selectFrom('sections')
      .select(['enrolled', 'waitlisted'])
      .where('id', '=', section)
      .executeTakeFirstOrThrow();
    expect(counters).toEqual({ enrolled: 30, waitlisted: 10 });
    await consistent();
  }, 180_000);

  it('concurrent drops promote exactly the heads of the wait-list, in order', async () => {
    await world.addCourse({ code: 'DRP 101', credits: 3 });
    const section = await world.addSection({
      course: 'DRP 101',
      code: 'A',
      capacity: 10,
      waitlistCapacity: 10,
    });
    const seated = await world.addStudents(10);
    const waiting = await world.addStudents(10);
    const seats: string[] = [];
    for (const s of seated) {
      const a = await call(s, 'POST', '/me/registrations', { sectionId: section });
      expect(a.body.registration?.status).toBe('enrolled');
      seats.push(a.body.registration!.id);
    }
    for (const [i, s] of waiting.entries()) {
      const a = await call(s, 'POST', '/me/registrations', { sectionId: section });
      expect(a.body.registration).toMatchObject({ status: 'waitlisted', waitlistPosition: i + 1 });
    }
    const drops = await Promise.all(
      seated.slice(0, 6).map((s, i) => call(s, 'DELETE', `/me/registrations/${seats[i]!}`)),
    );
    expect(drops.map((d) => d.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const views = await Promise.all(
      waiting.map((s) => call(s, 'GET', `/me/registrations?termId=${world.term.id}`)),
    );
    const states = views.map((v) => {
      const items = v.body.items as Array<{ status: string; waitlistPosition?: number }>;
      return `${items[0]!.status}${items[0]!.waitlistPosition ?? ''}`;
    });
    expect(states).toEqual([
      'enrolled',
      'enrolled',
      'enrolled',
      'enrolled',
      'enrolled',
      'enrolled',
      'waitlisted1',
      'waitlisted2',
      'waitlisted3',
      'waitlisted4',
    ]);
    await consistent();
  }, 120_000);

  it('one student firing 20 registrations at once never passes the credit maximum', async () => {
    const sections: string[] = [];
    for (let i = 0; i < 20; i++) {
      await world.addCourse({ code: `CRD ${300 + i}`, credits: 4 });
      sections.push(await world.addSection({ course: `CRD ${300 + i}`, code: 'A', capacity: 50 }));
    }
    const [student] = await world.addStudents(1);
    const answers = await Promise.all(
      sections.map((id) => call(student!, 'POST', '/me/registrations', { sectionId: id })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 422);
    expect(refused).toHaveLength(17);
    expect(
      refused.every((a) => a.body.errors?.some((e) => e.code === 'credit_limit_exceeded')),
    ).toBe(true);
    const held = await database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.sum<number>('credits').as('credits'))
      .where('student_id', '=', student!.id)
      .where('status', '=', 'enrolled')
      .executeTakeFirstOrThrow();
    expect(Number(held.credits)).toBe(12);
    await consistent();
  }, 120_000);

  it('parallel retries with one Idempotency-Key get the first result and register once', async () => {
    await world.addCourse({ code: 'IDM 101', credits: 3 });
    const section = await world.addSection({ course: 'IDM 101', code: 'A', capacity: 5 });
    const [student] = await world.addStudents(1);
    const key = { 'idempotency-key': `race-${Date.now()}` };
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        call(student!, 'POST', '/me/registrations', { sectionId: section }, key),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 201));
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    const rows = await database.db
      .selectFrom('registrations')
      .select('id')
      .where('student_id', '=', student!.id)
      .execute();
    expect(rows).toEqual([{ id: answers[0]!.body.registration!.id }]);
    const other = await call(
      student!,
      'POST',
      '/me/registrations',
      { sectionId: world.term.id },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  }, 120_000);

  it('a mixed storm of registers, drops and swaps ends consistent, with no deadlock and no 5xx', async () => {
    const sections: string[] = [];
    for (let i = 0; i < 4; i++) {
      await world.addCourse({ code: `MIX ${400 + i}`, credits: 3 });
      sections.push(
        await world.addSection({
          course: `MIX ${400 + i}`,
          code: 'A',
          capacity: 8,
          waitlistCapacity: 6,
          waitlistMode: i === 3 ? 'claim' : 'auto',
        }),
      );
    }
    const students = await world.addStudents(120);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const failures: string[] = [];
    await Promise.all(
      students.map(async (s) => {
        for (let round = 0; round < 4; round++) {
          const list = await call(s, 'GET', `/me/registrations?termId=${world.term.id}`);
          // Load shedding (503 with Retry-After) is an allowed answer on a busy machine.
          if (list.status === 503) continue;
          expect(list.status, JSON.stringify(list.body)).toBe(200);
          const mine = list.body.items as Array<{ id: string; sectionId: string; status: string }>;
          const live = mine.filter((r) => r.status !== 'dropped' && r.status !== 'withdrawn');
          const choice = random(3);
          let answer: Answer;
          if (choice === 0 || live.length === 0) {
            answer = await call(s, 'POST', '/me/registrations', {
              sectionId: sections[random(sections.length)],
            });
          } else if (choice === 1) {
            answer = await call(s, 'DELETE', `/me/registrations/${live[random(live.length)]!.id}`);
          } else {
            const from = live[random(live.length)]!;
            const to = sections.filter((id) => id !== from.sectionId)[random(sections.length - 1)]!;
            answer = await call(s, 'POST', '/me/registrations/swap', {
              dropRegistrationId: from.id,
              addSectionId: to,
            });
          }
          if (answer.status >= 500 && answer.status !== 503) {
            failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
    await consistent();
  }, 180_000);
});

describe.runIf(!onPostgres())('races between two API processes', () => {
  it.skip('run only on PostgreSQL (set TEST_DATABASE_URL): one PGlite connection cannot race');
});

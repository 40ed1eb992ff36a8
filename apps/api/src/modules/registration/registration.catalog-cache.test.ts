// The catalog facts each process keeps (registration.catalog-cache.ts): a change to a section's
// meetings, instructors or linked group, to the term or to its time-ticket rules applies to the
// very next request, whoever made it and however; facts read inside a transaction that rolls back
// are never used afterwards.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { createBillingFactsCache } from '../billing/billing.facts-cache.ts';
import { createCatalogFactsCache } from './registration.catalog-cache.ts';
import * as repo from './registration.repo.ts';
import { createWorld, type World, type WorldPerson } from './registration.test-world.ts';

const clock = fixedClock(new Date());
let t: TestApp;
let world: World;
let registrar: WorldPerson;
let courseNumber = 0;

beforeAll(async () => {
  t = await createTestApp({ clock });
  world = await createWorld(t.database.db, t.config.jwtSecret, { maxCredits: 12 });
  registrar = await world.addStaff(['admin']);
});
afterAll(async () => {
  await t?.close();
});

async function register(who: WorldPerson, sectionId: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/me/registrations',
    headers: who.headers,
    payload: { sectionId },
  });
}

async function patch(url: string, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'PATCH', url, headers: registrar.headers, payload });
  expect(res.statusCode, res.body).toBe(200);
}

function blockerCodes(res: { json: () => unknown }): string[] {
  return (res.json() as { errors?: { code: string }[] }).errors?.map((e) => e.code) ?? [];
}

async function newCourse(credits = 3): Promise<string> {
  courseNumber += 1;
  const code = `CCH ${courseNumber}`;
  await world.addCourse({ code, credits });
  return code;
}

describe('catalog facts kept by the process', () => {
  it('judges the next request by a section’s new meetings and shows its new instructors', async () => {
    const morning = await world.addSection({
      course: await newCourse(),
      capacity: 10,
      meetings: [{ days: 'MWF', start: '09:00', end: '09:50' }],
    });
    const other = await world.addSection({
      course: await newCourse(),
      capacity: 10,
      meetings: [{ days: 'TR', start: '09:00', end: '09:50' }],
    });
    const [me, first, later] = await world.addStudents(3);
    expect((await register(me!, morning)).statusCode).toBe(201);
    // The process now keeps the other section's Tuesday/Thursday meetings and no instructor.
    const before = await register(first!, other);
    expect(before.statusCode).toBe(201);
    expect(before.json()).toMatchObject({ registration: { section: { instructors: [] } } });

    await patch(`/api/v1/sections/${other}`, {
      meetings: [{ days: 'MWF', startTime: '09:30', endTime: '10:20' }],
      instructors: [{ name: 'Ada Newly-Assigned' }],
    });

    const clash = await register(me!, other);
    expect(clash.statusCode).toBe(422);
    expect(blockerCodes(clash)).toEqual(['time_conflict']);
    const after = await register(later!, other);
    expect(after.statusCode).toBe(201);
    expect(after.json()).toMatchObject({
      registration: {
        section: {
          instructors: ['Ada Newly-Assigned'],
          meetings: [{ days: 'MWF', startTime: '09:30', endTime: '10:20' }],
        },
      },
    });
  });

  it('sees a change written straight to the database, not only through the API', async () => {
    const early = await world.addSection({
      course: await newCourse(),
      capacity: 10,
      meetings: [{ days: 'MW', start: '08:00', end: '08:50' }],
    });
    const moving = await world.addSection({
      course: await newCourse(),
      capacity: 10,
      meetings: [{ days: 'MW', start: '15:00', end: '15:50' }],
    });
    const [me, first] = await world.addStudents(2);
    expect((await register(me!, early)).statusCode).toBe(201);
    expect((await register(first!, moving)).statusCode).toBe(201);
    await sql`update section_meetings set start_time = '08:15', end_time = '09:05'
      where section_id = ${moving}::uuid`.execute(t.database.db);
    expect(blockerCodes(await register(me!, moving))).toEqual(['time_conflict']);
  });

  it('requires a lab as soon as a lecture joins a linked group', async () => {
    const course = await newCourse(4);
    const lecture = await world.addSection({ course, code: 'L1', capacity: 10 });
    const lab = await world.addSection({ course, code: 'B1', kind: 'lab', capacity: 10 });
    const [first, me] = await world.addStudents(2);
    expect((await register(first!, lecture)).statusCode).toBe(201);
    await patch(`/api/v1/sections/${lecture}`, { linkedGroup: 'A' });
    await patch(`/api/v1/sections/${lab}`, { linkedGroup: 'A' });
    expect(blockerCodes(await register(me!, lecture))).toEqual(['linked_section_required']);
  });

  it('applies a term’s new credit maximum and new time-ticket rules to the next request', async () => {
    const term = await world.addTerm({ minCredits: 4, maxCredits: 12 });
    const sections = [];
    for (let i = 0; i < 3; i++) {
      sections.push(await world.addSection({ course: await newCourse(4), term, capacity: 10 }));
    }
    const [me, other] = await world.addStudents(2);
    expect((await register(me!, sections[0]!)).statusCode).toBe(201);
    expect((await register(me!, sections[1]!)).statusCode).toBe(201);
    // The test world's term dates are not ones the term API would accept; any writer will do.
    await sql`update terms set max_credits = 8 where id = ${term.id}::uuid`.execute(t.database.db);
    expect(blockerCodes(await register(me!, sections[2]!))).toEqual(['credit_limit_exceeded']);

    const later = new Date(clock.now().getTime() + 86_400_000);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/terms/${term.id}/time-tickets`,
      headers: registrar.headers,
      payload: { rules: [{ minCreditsEarned: 0, opensAt: later.toISOString() }] },
    });
    expect(put.statusCode).toBe(200);
    expect(blockerCodes(await register(other!, sections[2]!))).toEqual(['not_in_window']);
  });

  it('never uses facts read inside a transaction that rolled back', async () => {
    const section = await world.addSection({
      course: await newCourse(),
      capacity: 10,
      meetings: [{ days: 'F', start: '11:00', end: '11:50' }],
    });
    const student = (await world.addStudents(1))[0]!;
    const catalogFacts = createCatalogFactsCache();
    const billingFacts = createBillingFactsCache();
    const meetingsSeen = async (db: repo.Executor) => {
      const g = await repo.gatherFacts(db as Parameters<typeof repo.gatherFacts>[0], {
        studentId: student.id,
        sectionIds: [section],
        billingFacts,
        catalogFacts,
        now: clock.now(),
      });
      return g?.targets[0]?.meetings.map((m) => `${m.days} ${m.startTime}`);
    };
    const rolledBack = new Error('roll back');
    await expect(
      t.database.db.transaction().execute(async (tx) => {
        await sql`update section_meetings set start_time = '14:00', end_time = '14:50'
          where section_id = ${section}::uuid`.execute(tx);
        expect(await meetingsSeen(tx)).toEqual(['F 14:00']);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await t.database.db.transaction().execute((tx) => meetingsSeen(tx))).toEqual([
      'F 11:00',
    ]);
  });
});

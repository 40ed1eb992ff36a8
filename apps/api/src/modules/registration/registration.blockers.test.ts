// Every blocker code of API.md, provoked through POST /api/v1/me/registrations: a 422
// registration_blocked whose errors[] name the code, the section and what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { createWorld, type World, type WorldPerson } from './registration.test-world.ts';

let t: TestApp;
let world: World;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  world = await createWorld(t.database.db, t.config.jwtSecret, { maxCredits: 10 });
});
afterAll(async () => {
  await t?.close();
});

interface Problem {
  status: number;
  code: string;
  requestId: string;
  errors: Array<{ code: string; message: string; sectionId: string } & Record<string, unknown>>;
}

async function attempt(who: WorldPerson, sectionId: string, withSectionIds?: string[]) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/me/registrations',
    headers: who.headers,
    payload: { sectionId, ...(withSectionIds ? { withSectionIds } : {}) },
  });
}

async function blockersFor(who: WorldPerson, sectionId: string): Promise<Problem['errors']> {
  const res = await attempt(who, sectionId);
  expect(res.statusCode).toBe(422);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json<Problem>();
  expect(body).toMatchObject({ status: 422, code: 'registration_blocked' });
  expect(body.requestId).toBeTruthy();
  return body.errors;
}

let n = 0;
async function section(
  options: Parameters<World['addSection']>[0] extends infer T ? Partial<T> : never = {},
) {
  n += 1;
  const course = `BLK ${100 + n}`;
  await world.addCourse({ code: course, credits: 3 });
  return world.addSection({
    course,
    code: 'A',
    capacity: 10,
    meetings: [
      {
        days: 'S',
        start: `${String(7 + (n % 12)).padStart(2, '0')}:00`,
        end: `${String(7 + (n % 12)).padStart(2, '0')}:30`,
      },
    ],
    ...options,
  });
}

describe('every blocker code over HTTP', () => {
  it('not_in_window: says when the time ticket opens', async () => {
    const s = await section();
    const student = await world.addStudent();
    const opensAt = new Date(Date.now() + 3 * DAY);
    const admin = await world.addStaff(['admin']);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/terms/${world.term.id}/time-tickets/${student.id}`,
      headers: admin.headers,
      payload: { opensAt: opensAt.toISOString() },
    });
    expect(put.statusCode).toBe(200);
    const [blocker] = await blockersFor(student, s);
    expect(blocker).toMatchObject({
      code: 'not_in_window',
      sectionId: s,
      opensAt: opensAt.toISOString(),
    });
    expect(blocker!.message).toMatch(/time ticket for .* opens .*(CST|CDT)/);
    const ticket = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/time-ticket?termId=${world.term.id}`,
      headers: student.headers,
    });
    expect(ticket.json()).toMatchObject({
      source: 'student',
      open: false,
      opensAt: opensAt.toISOString(),
    });
  });

  it('hold: names who can lift it', async () => {
    const s = await section();
    const advisor = await world.addStaff(['advisor'], 'Dr. Advisor');
    const student = await world.addStudent({ advisorId: advisor.id });
    const placed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/holds`,
      headers: advisor.headers,
      payload: { type: 'advising', reason: 'Meet before registering', blocksRegistration: true },
    });
    expect(placed.statusCode).toBe(201);
    const [blocker] = await blockersFor(student, s);
    expect(blocker).toMatchObject({ code: 'hold', holdType: 'advising' });
    expect(blocker!.message).toContain('your advisor, Dr. Advisor, after you meet with them');
    // The advisor lifts it; the student registers.
    const holdId = placed.json<{ hold: { id: string } }>().hold.id;
    const lifted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/students/${student.id}/holds/${holdId}`,
      headers: advisor.headers,
    });
    expect(lifted.statusCode).toBe(200);
    expect((await attempt(student, s)).statusCode).toBe(201);
  });

  it('prerequisite_not_met: names the missing course', async () => {
    await world.addCourse({ code: 'PRE 125', credits: 3 });
    await world.addCourse({ code: 'PRE 225', credits: 3, prerequisites: 'PRE 125 (C)' });
    const s = await world.addSection({ course: 'PRE 225', code: 'A', capacity: 5 });
    const student = await world.addStudent();
    const [blocker] = await blockersFor(student, s);
    expect(blocker).toMatchObject({
      code: 'prerequisite_not_met',
      missing: ['PRE 125 (C or better)'],
    });
    await t.database.db
      .insertInto('transcript_entries')
      .values({
        id: crypto.randomUUID(),
        student_id: student.id,
        course_code: 'PRE 125',
        term_code: 'OLD',
        grade: 'B',
        credits: 3,
      })
      .execute();
    expect((await attempt(student, s)).statusCode).toBe(201);
  });

  it('corequisite_missing: satisfied by taking both together', async () => {
    await world.addCourse({ code: 'CHM 102', credits: 3 });
    await world.addCourse({ code: 'CHM 103', credits: 1, corequisites: 'CHM 102' });
    const lecture = await world.addSection({
      course: 'CHM 102',
      code: 'A',
      capacity: 5,
      meetings: [{ days: 'U', start: '08:00', end: '09:00' }],
    });
    const lab = await world.addSection({
      course: 'CHM 103',
      code: 'L',
      capacity: 5,
      meetings: [{ days: 'U', start: '10:00', end: '11:00' }],
    });
    const student = await world.addStudent();
    const [blocker] = await blockersFor(student, lab);
    expect(blocker).toMatchObject({ code: 'corequisite_missing', missing: ['CHM 102'] });
    expect(blocker!.message).toContain('Add it to your cart and check out together.');
    const both = await attempt(student, lab, [lecture]);
    expect(both.statusCode).toBe(201);
    expect(both.json<{ registrations: unknown[] }>().registrations).toHaveLength(2);
  });

  it('time_conflict: names the conflicting section and its times', async () => {
    await world.addCourse({ code: 'TIM 1', credits: 3 });
    await world.addCourse({ code: 'TIM 2', credits: 3 });
    const a = await world.addSection({
      course: 'TIM 1',
      code: 'A',
      meetings: [{ days: 'MW', start: '13:00', end: '14:15' }],
    });
    const b = await world.addSection({
      course: 'TIM 2',
      code: 'B',
      meetings: [{ days: 'W', start: '14:00', end: '15:00' }],
    });
    const student = await world.addStudent();
    expect((await attempt(student, a)).statusCode).toBe(201);
    const [blocker] = await blockersFor(student, b);
    expect(blocker).toMatchObject({ code: 'time_conflict', conflictsWith: a });
    expect(blocker!.message).toBe(
      'TIM 2 B (W 14:00–15:00) overlaps TIM 1 A (MW 13:00–14:15) on Wed. Choose another section of one of them.',
    );
  });

  it('credit_limit_exceeded: says the total and the maximum', async () => {
    const student = await world.addStudent();
    const sections = [];
    for (const credits of [4, 4, 4]) {
      n += 1;
      const code = `CRD ${n}`;
      await world.addCourse({ code, credits });
      sections.push(await world.addSection({ course: code, code: 'A', meetings: [] }));
    }
    expect((await attempt(student, sections[0]!)).statusCode).toBe(201);
    expect((await attempt(student, sections[1]!)).statusCode).toBe(201);
    const [blocker] = await blockersFor(student, sections[2]!);
    expect(blocker).toMatchObject({
      code: 'credit_limit_exceeded',
      totalCredits: 12,
      maxCredits: 10,
    });
  });

  it('already_registered and duplicate_course', async () => {
    await world.addCourse({ code: 'DUP 1', credits: 3 });
    const a = await world.addSection({ course: 'DUP 1', code: 'A', meetings: [] });
    const b = await world.addSection({ course: 'DUP 1', code: 'B', meetings: [] });
    const student = await world.addStudent();
    expect((await attempt(student, a)).statusCode).toBe(201);
    expect((await blockersFor(student, a)).map((e) => e.code)).toEqual(['already_registered']);
    const [duplicate] = await blockersFor(student, b);
    expect(duplicate).toMatchObject({ code: 'duplicate_course', sectionId: b });
    expect(duplicate!.message).toContain('To change sections, swap DUP 1 A for DUP 1 B.');
  });

  it('restriction_not_met: class standing and program', async () => {
    await world.addCourse({
      code: 'RST 498',
      credits: 3,
      restrictions: { classStandings: ['senior'], programs: ['CS-BS'] },
    });
    const s = await world.addSection({ course: 'RST 498', code: 'A', meetings: [] });
    const student = await world.addStudent({ classStanding: 'junior', program: 'MATH-BS' });
    const blockers = await blockersFor(student, s);
    expect(blockers.map((b) => b.code)).toEqual(['restriction_not_met', 'restriction_not_met']);
    const senior = await world.addStudent({ classStanding: 'senior', program: 'CS-BS' });
    expect((await attempt(senior, s)).statusCode).toBe(201);
  });

  it('linked_section_required: a lecture needs one of its labs, taken together', async () => {
    await world.addCourse({ code: 'LNK 225', credits: 4 });
    const lecture = await world.addSection({
      course: 'LNK 225',
      code: 'AL1',
      linkedGroup: 'A',
      meetings: [{ days: 'MWF', start: '16:00', end: '16:50' }],
    });
    const lab = await world.addSection({
      course: 'LNK 225',
      code: 'AYA',
      kind: 'lab',
      linkedGroup: 'A',
      credits: 0,
      meetings: [{ days: 'R', start: '16:00', end: '17:50' }],
    });
    const student = await world.addStudent();
    const [blocker] = await blockersFor(student, lecture);
    expect(blocker).toMatchObject({
      code: 'linked_section_required',
      requiredKind: 'lab',
      options: [lab],
    });
    expect(blocker!.message).toBe(
      'LNK 225 AL1 must be taken with a lab of the same group: LNK 225 AYA. Add one to your cart and check out both together.',
    );
    const together = await attempt(student, lecture, [lab]);
    expect(together.statusCode).toBe(201);
    expect(together.json()).toMatchObject({
      registration: { sectionId: lecture, status: 'enrolled' },
      registrations: [{ sectionId: lecture }, { sectionId: lab }],
    });
  });

  it('section_full: no seat and no wait-list room', async () => {
    const s = await section({ capacity: 1, waitlistCapacity: 0 });
    const first = await world.addStudent();
    const second = await world.addStudent();
    expect((await attempt(first, s)).statusCode).toBe(201);
    const [blocker] = await blockersFor(second, s);
    expect(blocker).toMatchObject({ code: 'section_full', sectionId: s });
    expect(blocker!.message).toContain('and has no wait-list');
  });

  it('section_cancelled: after the catalog cancels the section', async () => {
    const s = await section();
    const admin = await world.addStaff(['admin']);
    const cancelled = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sections/${s}`,
      headers: admin.headers,
    });
    expect(cancelled.statusCode).toBeLessThan(300);
    const student = await world.addStudent();
    const [blocker] = await blockersFor(student, s);
    expect(blocker).toMatchObject({ code: 'section_cancelled', sectionId: s });
  });

  it('lists every blocker at once, and audits the refusal with its codes', async () => {
    await world.addCourse({
      code: 'ALL 1',
      credits: 3,
      prerequisites: 'ALL 0',
      restrictions: { classStandings: ['senior'] },
    });
    const s = await world.addSection({ course: 'ALL 1', code: 'A', capacity: 0, meetings: [] });
    const admin = await world.addStaff(['admin']);
    const student = await world.addStudent();
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/holds`,
      headers: admin.headers,
      payload: { type: 'financial', reason: 'Unpaid balance' },
    });
    const blockers = await blockersFor(student, s);
    expect(blockers.map((b) => b.code)).toEqual([
      'hold',
      'restriction_not_met',
      'prerequisite_not_met',
      'section_full',
    ]);
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations/history?termId=${world.term.id}`,
      headers: student.headers,
    });
    expect(history.json()).toMatchObject({
      items: [
        {
          action: 'register',
          outcome: 'refused',
          sectionId: s,
          blockerCodes: ['hold', 'restriction_not_met', 'prerequisite_not_met', 'section_full'],
        },
      ],
    });
  });
});

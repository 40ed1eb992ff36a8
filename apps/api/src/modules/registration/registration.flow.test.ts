// Registration flows through HTTP: register, wait-list, drop with promotion, swap, offers,
// idempotency, drop versus withdraw, staff tools, notices and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from './registration.consistency.ts';
import {
  createTestEngine,
  createWorld,
  type World,
  type WorldPerson,
} from './registration.test-world.ts';

const clock = fixedClock(new Date());
let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await createTestApp({ clock });
  world = await createWorld(t.database.db, t.config.jwtSecret, { maxCredits: 12 });
});
afterAll(async () => {
  await t?.close();
});

async function register(who: WorldPerson, sectionId: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/me/registrations',
    headers: { ...who.headers, ...headers },
    payload: { sectionId },
  });
}

async function myRegistrations(who: WorldPerson) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/me/registrations?termId=${world.term.id}`,
    headers: who.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{
    items: Array<Record<string, unknown> & { id: string; sectionId: string; status: string }>;
  }>().items;
}

async function consistent() {
  const report = await checkRegistrationConsistency(t.database.db);
  expect(report.problems).toEqual([]);
}

describe('register, wait-list, drop and promotion', () => {
  it('enrols while seats last, then wait-lists in order, then refuses with section_full', async () => {
    await world.addCourse({ code: 'CS 101', credits: 3 });
    const section = await world.addSection({
      course: 'CS 101',
      code: 'A',
      capacity: 2,
      waitlistCapacity: 2,
      meetings: [{ days: 'MWF', start: '09:00', end: '09:50' }],
    });
    const students = await Promise.all([1, 2, 3, 4, 5].map(() => world.addStudent()));
    const answers = [];
    for (const s of students) answers.push(await register(s, section));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 422]);
    expect(
      answers
        .slice(0, 4)
        .map((a) => a.json<{ registration: { status: string } }>().registration.status),
    ).toEqual(['enrolled', 'enrolled', 'waitlisted', 'waitlisted']);
    expect(answers[2]!.json()).toMatchObject({ registration: { waitlistPosition: 1 } });
    expect(answers[3]!.json()).toMatchObject({ registration: { waitlistPosition: 2 } });
    const refused = answers[4]!;
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      status: 422,
      code: 'registration_blocked',
      errors: [{ code: 'section_full', sectionId: section }],
    });
    await consistent();

    // The first student drops: the head of the wait-list is enrolled in the same transaction.
    const [first] = await myRegistrations(students[0]!);
    const drop = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${first!.id}`,
      headers: students[0]!.headers,
    });
    expect(drop.statusCode).toBe(200);
    expect(drop.json()).toMatchObject({ registration: { status: 'dropped' } });
    expect((await myRegistrations(students[2]!))[0]).toMatchObject({ status: 'enrolled' });
    expect((await myRegistrations(students[3]!))[0]).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    await consistent();

    // The promoted student was told, in the app and by mail.
    const notices = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications',
      headers: students[2]!.headers,
    });
    expect(notices.json()).toMatchObject({
      unreadCount: 1,
      items: [
        {
          kind: 'registration.promoted',
          title: expect.stringContaining('You are enrolled in CS 101 A'),
        },
      ],
    });
    const mail = await t.database.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject'])
      .where('to_address', '=', students[2]!.email)
      .execute();
    expect(mail).toEqual([
      { to_address: students[2]!.email, subject: 'You are enrolled in CS 101 A' },
    ]);
  });
});

let courseNumber = 200;
async function newSection(
  options: Partial<Parameters<World['addSection']>[0]> & { credits?: number } = {},
) {
  courseNumber += 1;
  const course = `FLW ${courseNumber}`;
  await world.addCourse({ code: course, credits: options.credits ?? 3 });
  return world.addSection({
    course,
    code: 'A',
    capacity: 1,
    waitlistCapacity: 3,
    meetings: [],
    ...options,
    credits: null,
  });
}

async function admin() {
  return world.addStaff(['admin']);
}

describe('swap', () => {
  it('drops and adds atomically when the new section has a seat, promoting into the freed one', async () => {
    const x = await newSection({ capacity: 1, waitlistCapacity: 1 });
    const y = await newSection({ capacity: 1 });
    const [me, waiting] = [await world.addStudent(), await world.addStudent()];
    const mine = (await register(me, x)).json<{ registration: { id: string } }>().registration.id;
    expect((await register(waiting, x)).json()).toMatchObject({
      registration: { status: 'waitlisted' },
    });
    const swap = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations/swap',
      headers: me.headers,
      payload: { dropRegistrationId: mine, addSectionId: y },
    });
    expect(swap.statusCode).toBe(200);
    expect(swap.json()).toMatchObject({
      dropped: { id: mine, status: 'dropped' },
      added: { sectionId: y, status: 'enrolled' },
    });
    expect((await myRegistrations(waiting)).find((r) => r.sectionId === x)).toMatchObject({
      status: 'enrolled',
    });
    await consistent();
  });

  it('changes nothing when the add is refused', async () => {
    const x = await newSection({ capacity: 2 });
    const y = await newSection({ capacity: 1, waitlistCapacity: 0 });
    const [me, other] = [await world.addStudent(), await world.addStudent()];
    const mine = (await register(me, x)).json<{ registration: { id: string } }>().registration.id;
    await register(other, y);
    const swap = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations/swap',
      headers: me.headers,
      payload: { dropRegistrationId: mine, addSectionId: y },
    });
    expect(swap.statusCode).toBe(422);
    expect(swap.json()).toMatchObject({
      code: 'registration_blocked',
      errors: [{ code: 'section_full' }],
    });
    expect((await myRegistrations(me)).find((r) => r.id === mine)).toMatchObject({
      status: 'enrolled',
    });
    await consistent();
  });

  it('waits for a full section and drops the old one only on promotion (drop X if I get Y)', async () => {
    const x = await newSection({ capacity: 1 });
    const y = await newSection({ capacity: 1, waitlistCapacity: 2 });
    const [me, holder] = [await world.addStudent(), await world.addStudent()];
    const mine = (await register(me, x)).json<{ registration: { id: string } }>().registration.id;
    const held = (await register(holder, y)).json<{ registration: { id: string } }>().registration
      .id;
    const swap = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations/swap',
      headers: me.headers,
      payload: { dropRegistrationId: mine, addSectionId: y },
    });
    expect(swap.statusCode).toBe(200);
    expect(swap.json()).toMatchObject({
      dropped: { id: mine, status: 'enrolled' },
      added: {
        sectionId: y,
        status: 'waitlisted',
        waitlistPosition: 1,
        swapDropRegistrationId: mine,
      },
    });
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held}`,
      headers: holder.headers,
    });
    const after = await myRegistrations(me);
    expect(after.find((r) => r.id === mine)).toMatchObject({ status: 'dropped' });
    expect(after.find((r) => r.sectionId === y)).toMatchObject({ status: 'enrolled' });
    await consistent();
  });
});

describe('claim-window wait-lists', () => {
  it('offers the seat for the claim window; accepting enrols, a lapsed offer passes on', async () => {
    const term = await world.addTerm({ claimWindowHours: 24 });
    courseNumber += 1;
    await world.addCourse({ code: `CLM ${courseNumber}`, credits: 3 });
    const s = await world.addSection({
      course: `CLM ${courseNumber}`,
      code: 'A',
      term,
      capacity: 1,
      waitlistCapacity: 3,
      waitlistMode: 'claim',
    });
    const [holder, first, second] = [
      await world.addStudent(),
      await world.addStudent(),
      await world.addStudent(),
    ];
    const held = (await register(holder, s)).json<{ registration: { id: string } }>().registration
      .id;
    const firstId = (await register(first, s)).json<{ registration: { id: string } }>().registration
      .id;
    const secondId = (await register(second, s)).json<{ registration: { id: string } }>()
      .registration.id;
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held}`,
      headers: holder.headers,
    });
    const offered = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${term.id}`,
      headers: first.headers,
    });
    const offer = offered.json<{ items: Array<{ status: string; offerExpiresAt: string }> }>()
      .items[0]!;
    expect(offer.status).toBe('offered');
    expect(new Date(offer.offerExpiresAt).getTime() - clock.now().getTime()).toBe(24 * 3_600_000);
    await consistent();

    // The first student lets it lapse: accepting afterwards is 409 offer_expired, the seat moves on.
    clock.advance(25 * 3_600_000);
    const late = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/registrations/${firstId}/accept`,
      headers: first.headers,
    });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'offer_expired' });
    const secondView = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${term.id}`,
      headers: second.headers,
    });
    expect(secondView.json()).toMatchObject({ items: [{ id: secondId, status: 'offered' }] });

    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/registrations/${secondId}/accept`,
      headers: second.headers,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ registration: { id: secondId, status: 'enrolled' } });
    const kinds = await t.database.db
      .selectFrom('notifications')
      .select(['user_id', 'kind'])
      .where('user_id', 'in', [first.id, second.id])
      .orderBy('created_at')
      .execute();
    expect(kinds).toEqual(
      expect.arrayContaining([
        { user_id: first.id, kind: 'registration.offered' },
        { user_id: first.id, kind: 'registration.offer_expired' },
        { user_id: second.id, kind: 'registration.offered' },
      ]),
    );
    await consistent();
    clock.set(new Date());
  });

  it('the expiry sweep passes lapsed offers on without anyone asking', async () => {
    const term = await world.addTerm({ claimWindowHours: 2 });
    courseNumber += 1;
    await world.addCourse({ code: `CLM ${courseNumber}`, credits: 3 });
    const s = await world.addSection({
      course: `CLM ${courseNumber}`,
      code: 'A',
      term,
      capacity: 1,
      waitlistCapacity: 3,
      waitlistMode: 'claim',
    });
    const [holder, first, second] = [
      await world.addStudent(),
      await world.addStudent(),
      await world.addStudent(),
    ];
    const held = (await register(holder, s)).json<{ registration: { id: string } }>().registration
      .id;
    await register(first, s);
    await register(second, s);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held}`,
      headers: holder.headers,
    });
    clock.advance(3 * 3_600_000);
    const engine = createTestEngine(t, clock);
    expect(await engine.expireLapsedOffers()).toBe(1);
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${term.id}`,
      headers: second.headers,
    });
    expect(view.json()).toMatchObject({ items: [{ status: 'offered' }] });
    await consistent();
    clock.set(new Date());
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response and does nothing more; another body is 422', async () => {
    const s = await newSection({ capacity: 5 });
    const other = await newSection({ capacity: 5 });
    const me = await world.addStudent();
    const key = { 'idempotency-key': `key-${Date.now()}` };
    const first = await register(me, s, key);
    const again = await register(me, s, key);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await myRegistrations(me)).toHaveLength(1);
    const reused = await register(me, other, key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await myRegistrations(me)).toHaveLength(1);
  });

  it('replays a refusal too', async () => {
    const s = await newSection({ capacity: 0, waitlistCapacity: 0 });
    const me = await world.addStudent();
    const key = { 'idempotency-key': `refused-${Date.now()}` };
    const first = await register(me, s, key);
    const again = await register(me, s, key);
    expect(first.statusCode).toBe(422);
    expect(again.statusCode).toBe(422);
    expect(again.json()).toEqual(first.json());
  });

  it('keeps a stored response for the 24-hour replay window, then the hourly purge deletes it', async () => {
    const s = await newSection({ capacity: 5 });
    const me = await world.addStudent();
    const key = { 'idempotency-key': `purged-${Date.now()}` };
    expect((await register(me, s, key)).statusCode).toBe(201);
    const stored = () =>
      t.database.db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('user_id', '=', me.id)
        .execute();
    const engine = createTestEngine(t, clock);
    const start = clock.now().getTime();
    try {
      clock.set(new Date(start + 23 * 3600 * 1000));
      await engine.purgeExpiredIdempotencyKeys();
      expect(await stored()).toHaveLength(1);
      expect((await register(me, s, key)).statusCode).toBe(201); // still a replay

      clock.set(new Date(start + 25 * 3600 * 1000));
      expect(await engine.purgeExpiredIdempotencyKeys()).toBeGreaterThanOrEqual(1);
      expect(await stored()).toEqual([]);
      // The same key is now a new request: the student already holds the seat.
      const late = await register(me, s, key);
      expect(late.statusCode).toBe(422);
      expect(late.json()).toMatchObject({ code: 'registration_blocked' });
    } finally {
      clock.set(new Date());
    }
  });
});

describe('drop versus withdraw (C8)', () => {
  it('drops before add/drop, withdraws until the withdraw deadline, then only an admin can', async () => {
    const now = clock.now().getTime();
    const term = await world.addTerm({
      addDropDeadline: new Date(now + 1 * 86_400_000),
      withdrawDeadline: new Date(now + 2 * 86_400_000),
    });
    courseNumber += 1;
    await world.addCourse({ code: `WDR ${courseNumber}`, credits: 3 });
    const a = await world.addSection({
      course: `WDR ${courseNumber}`,
      code: 'A',
      term,
      capacity: 5,
    });
    const b = await world.addSection({
      course: `WDR ${courseNumber}`,
      code: 'B',
      term,
      capacity: 5,
      kind: 'lab',
    });
    const me = await world.addStudent();
    const ra = (await register(me, a)).json<{ registration: { id: string } }>().registration.id;
    const rb = (await register(me, b)).json<{ registration: { id: string } }>().registration.id;
    clock.advance(1.5 * 86_400_000);
    const withdrawn = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${ra}`,
      headers: me.headers,
    });
    expect(withdrawn.json()).toMatchObject({ registration: { status: 'withdrawn' } });
    clock.advance(86_400_000);
    const late = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${rb}`,
      headers: me.headers,
    });
    expect(late.statusCode).toBe(422);
    expect(late.json()).toMatchObject({ code: 'drop_not_allowed' });
    const registrar = await admin();
    const byAdmin = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/students/${me.id}/registrations/${rb}`,
      headers: registrar.headers,
    });
    expect(byAdmin.json()).toMatchObject({ registration: { status: 'withdrawn' } });
    clock.set(new Date());
  });
});

describe('staff tools', () => {
  it('registers on a student’s behalf with overrides; advisors only for advisees and within their overrides', async () => {
    const s = await newSection({ capacity: 0, waitlistCapacity: 0 });
    const advisor = await world.addStaff(['advisor']);
    const stranger = await world.addStaff(['advisor']);
    const student = await world.addStudent({ advisorId: advisor.id });
    const asStranger = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/registrations`,
      headers: stranger.headers,
      payload: { sectionId: s },
    });
    expect(asStranger.statusCode).toBe(403);
    const capacityByAdvisor = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/registrations`,
      headers: advisor.headers,
      payload: { sectionId: s, overrides: ['capacity'] },
    });
    expect(capacityByAdvisor.statusCode).toBe(403);
    const registrar = await admin();
    const byAdmin = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/registrations`,
      headers: registrar.headers,
      payload: { sectionId: s, overrides: ['capacity'] },
    });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json()).toMatchObject({
      registration: { status: 'enrolled', overrides: ['capacity'] },
    });
    await consistent();
    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?studentId=${student.id}&outcome=enrolled`,
      headers: registrar.headers,
    });
    expect(audit.json()).toMatchObject({
      items: [
        {
          action: 'staff_register',
          actorId: registrar.id,
          details: { overridesUsed: ['capacity'] },
        },
      ],
    });
    const notices = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications',
      headers: student.headers,
    });
    expect(notices.json()).toMatchObject({ items: [{ kind: 'registration.changed_by_staff' }] });
  });

  it('a permit from the section’s instructor lets the student past a full section', async () => {
    const instructor = await world.addStaff(['instructor']);
    const otherInstructor = await world.addStaff(['instructor']);
    const s = await newSection({ capacity: 0, waitlistCapacity: 0, instructorId: instructor.id });
    const student = await world.addStudent();
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sections/${s}/permits`,
      headers: otherInstructor.headers,
      payload: { studentId: student.id, overrides: ['capacity'] },
    });
    expect(refused.statusCode).toBe(403);
    const holdOverride = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sections/${s}/permits`,
      headers: instructor.headers,
      payload: { studentId: student.id, overrides: ['hold'] },
    });
    expect(holdOverride.statusCode).toBe(403);
    const granted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sections/${s}/permits`,
      headers: instructor.headers,
      payload: { studentId: student.id, overrides: ['capacity'] },
    });
    expect(granted.statusCode).toBe(201);
    const res = await register(student, s);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      registration: { status: 'enrolled', overrides: ['capacity'] },
    });
    await consistent();
  });

  it('serves rosters and wait-lists as JSON and CSV to the section’s instructors only', async () => {
    const instructor = await world.addStaff(['instructor']);
    const s = await newSection({ capacity: 1, waitlistCapacity: 2, instructorId: instructor.id });
    const [a, b, c] = [
      await world.addStudent({ name: 'Ada, "the first"' }),
      await world.addStudent({ name: 'Bob' }),
      await world.addStudent({ name: '=Eve' }),
    ];
    for (const who of [a, b, c]) await register(who, s);
    const roster = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sections/${s}/roster`,
      headers: instructor.headers,
    });
    expect(roster.json()).toMatchObject({ items: [{ studentId: a.id, status: 'enrolled' }] });
    const waitlist = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sections/${s}/waitlist`,
      headers: instructor.headers,
    });
    expect(waitlist.json<{ items: unknown[] }>().items).toMatchObject([
      { studentId: b.id, waitlistPosition: 1 },
      { studentId: c.id, waitlistPosition: 2 },
    ]);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sections/${s}/roster`,
      headers: { ...instructor.headers, accept: 'text/csv' },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe(
      'studentNumber,name,email,program,classStanding,credits,status,enrolledAt',
    );
    expect(csv.body).toContain('"Ada, ""the first"""');
    const wcsv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sections/${s}/waitlist`,
      headers: { ...instructor.headers, accept: 'text/csv' },
    });
    expect(wcsv.body).toContain(`"'=Eve"`);
    const asStudent = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sections/${s}/roster`,
      headers: a.headers,
    });
    expect(asStudent.statusCode).toBe(403);
  });

  it('time-ticket rules decide who may start when', async () => {
    const registrar = await admin();
    const term = await world.addTerm();
    const later = new Date(clock.now().getTime() + 86_400_000);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/terms/${term.id}/time-tickets`,
      headers: registrar.headers,
      payload: {
        rules: [
          {
            minCreditsEarned: 90,
            opensAt: new Date(clock.now().getTime() - 86_400_000).toISOString(),
          },
          { minCreditsEarned: 0, opensAt: later.toISOString() },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json<{ rules: unknown[] }>().rules).toHaveLength(2);
    courseNumber += 1;
    await world.addCourse({ code: `TKT ${courseNumber}`, credits: 3 });
    const s = await world.addSection({
      course: `TKT ${courseNumber}`,
      code: 'A',
      term,
      capacity: 5,
    });
    const senior = await world.addStudent({ creditsEarned: 95, classStanding: 'senior' });
    const sophomore = await world.addStudent({ creditsEarned: 30 });
    expect((await register(senior, s)).statusCode).toBe(201);
    const early = await register(sophomore, s);
    expect(early.json()).toMatchObject({
      errors: [{ code: 'not_in_window', opensAt: later.toISOString() }],
    });
  });

  it('advisors place and lift advising holds only', async () => {
    const advisor = await world.addStaff(['advisor']);
    const student = await world.addStudent({ advisorId: advisor.id });
    const financial = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/holds`,
      headers: advisor.headers,
      payload: { type: 'financial', reason: 'x' },
    });
    expect(financial.statusCode).toBe(403);
    const registrar = await admin();
    const placed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/holds`,
      headers: registrar.headers,
      payload: { type: 'financial', reason: 'Unpaid balance' },
    });
    expect(placed.json()).toMatchObject({
      hold: {
        type: 'financial',
        blocksRegistration: true,
        liftedByWho: expect.stringContaining('Bursar'),
      },
    });
    const id = placed.json<{ hold: { id: string } }>().hold.id;
    const lift = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/students/${student.id}/holds/${id}`,
      headers: advisor.headers,
    });
    expect(lift.statusCode).toBe(403);
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v1/students/${student.id}/holds`,
      headers: student.headers,
    });
    expect(mine.json()).toMatchObject({ items: [{ id, liftedAt: null }] });
    const otherStudent = await world.addStudent();
    const peek = await t.app.inject({
      method: 'GET',
      url: `/api/v1/students/${student.id}/holds`,
      headers: otherStudent.headers,
    });
    expect(peek.statusCode).toBe(403);
  });
});

describe('the cart', () => {
  it('validates every item at once and checks out item by item, keeping linked sections together', async () => {
    const term = await world.addTerm({ minCredits: 12 });
    courseNumber += 1;
    const code = `CRT ${courseNumber}`;
    await world.addCourse({ code, credits: 4 });
    const lecture = await world.addSection({
      course: code,
      code: 'AL1',
      term,
      linkedGroup: 'A',
      capacity: 5,
      meetings: [{ days: 'MW', start: '10:00', end: '11:15' }],
    });
    const lab = await world.addSection({
      course: code,
      code: 'AYA',
      term,
      kind: 'lab',
      linkedGroup: 'A',
      credits: 0,
      capacity: 5,
      meetings: [{ days: 'F', start: '10:00', end: '11:50' }],
    });
    courseNumber += 1;
    await world.addCourse({ code: `CRT ${courseNumber}`, credits: 3 });
    const clash = await world.addSection({
      course: `CRT ${courseNumber}`,
      code: 'A',
      term,
      capacity: 5,
      meetings: [{ days: 'W', start: '11:00', end: '12:00' }],
    });
    const me = await world.addStudent();
    for (const sectionId of [lecture, lab, clash]) {
      const added = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/cart/items',
        headers: me.headers,
        payload: { sectionId },
      });
      expect(added.statusCode).toBe(201);
    }
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/cart/items',
      headers: me.headers,
      payload: { sectionId: lab },
    });
    expect(again.statusCode).toBe(200);
    const validation = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/cart/validate',
      headers: me.headers,
      payload: { termId: term.id },
    });
    expect(validation.json()).toMatchObject({
      items: [
        {
          sectionId: lecture,
          ok: false,
          errors: [{ code: 'time_conflict', conflictsWith: clash }],
        },
        { sectionId: lab, ok: true, errors: [] },
        {
          sectionId: clash,
          ok: false,
          errors: [{ code: 'time_conflict', conflictsWith: lecture }],
        },
      ],
      warnings: [{ code: 'below_minimum_credits' }],
    });
    expect(await myRegistrations(me)).toEqual([]);

    const atomic = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/cart/checkout',
      headers: me.headers,
      payload: { termId: term.id, atomic: true },
    });
    expect(atomic.json()).toMatchObject({ committed: false });
    const mineNow = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${term.id}`,
      headers: me.headers,
    });
    expect(mineNow.json()).toEqual({ items: [] });

    // Remove the clash: the lecture and its lab check out together.
    const cart = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/cart?termId=${term.id}`,
      headers: me.headers,
    });
    const clashItem = cart
      .json<{ items: Array<{ id: string; sectionId: string }> }>()
      .items.find((i) => i.sectionId === clash)!;
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/me/cart/items/${clashItem.id}`,
          headers: me.headers,
        })
      ).statusCode,
    ).toBe(204);
    const checkout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/cart/checkout',
      headers: me.headers,
      payload: { termId: term.id, atomic: false },
    });
    expect(checkout.json()).toMatchObject({
      committed: true,
      results: [
        { sectionId: lecture, registration: { status: 'enrolled' } },
        { sectionId: lab, registration: { status: 'enrolled' } },
      ],
    });
    const emptied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/cart?termId=${term.id}`,
      headers: me.headers,
    });
    expect(emptied.json()).toEqual({ items: [] });
    await consistent();
  });
});

describe('registering from the cart', () => {
  it('takes a registered or wait-listed section out of the cart and leaves a refused one in', async () => {
    const open = await newSection({ capacity: 5 });
    const waitlist = await newSection({ capacity: 1, waitlistCapacity: 2 });
    const full = await newSection({ capacity: 1, waitlistCapacity: 0 });
    const [me, other] = [await world.addStudent(), await world.addStudent()];
    expect((await register(other, waitlist)).statusCode).toBe(201);
    expect((await register(other, full)).statusCode).toBe(201);
    for (const sectionId of [open, waitlist, full]) {
      const added = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/cart/items',
        headers: me.headers,
        payload: { sectionId },
      });
      expect(added.statusCode).toBe(201);
    }
    expect((await register(me, open)).json()).toMatchObject({
      registration: { status: 'enrolled' },
    });
    expect((await register(me, waitlist)).json()).toMatchObject({
      registration: { status: 'waitlisted', waitlistPosition: 1 },
    });
    expect((await register(me, full)).statusCode).toBe(422);
    const cart = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/cart?termId=${world.term.id}`,
      headers: me.headers,
    });
    expect(
      cart.json<{ items: Array<{ sectionId: string }> }>().items.map((i) => i.sectionId),
    ).toEqual([full]);
    await consistent();
  });
});

describe('section lifecycle through the catalog', () => {
  it('a capacity increase promotes from the wait-list; below the seats taken is refused', async () => {
    const s = await newSection({ capacity: 1, waitlistCapacity: 3 });
    const [a, b, c] = [
      await world.addStudent(),
      await world.addStudent(),
      await world.addStudent(),
    ];
    for (const who of [a, b, c]) await register(who, s);
    const registrar = await admin();
    const grow = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sections/${s}`,
      headers: registrar.headers,
      payload: { capacity: 2 },
    });
    expect(grow.statusCode).toBe(200);
    expect((await myRegistrations(b)).find((r) => r.sectionId === s)).toMatchObject({
      status: 'enrolled',
    });
    expect((await myRegistrations(c)).find((r) => r.sectionId === s)).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    const shrink = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sections/${s}`,
      headers: registrar.headers,
      payload: { capacity: 1 },
    });
    expect(shrink.statusCode).toBe(409);
    expect(shrink.json()).toMatchObject({ code: 'capacity_below_enrolled' });
    await consistent();
  });

  it('cancelling releases and notifies everyone', async () => {
    const s = await newSection({ capacity: 1, waitlistCapacity: 1 });
    const [a, b] = [await world.addStudent(), await world.addStudent()];
    await register(a, s);
    await register(b, s);
    const registrar = await admin();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sections/${s}`,
      headers: registrar.headers,
    });
    expect(res.statusCode).toBeLessThan(300);
    for (const who of [a, b]) {
      expect((await myRegistrations(who)).find((r) => r.sectionId === s)).toMatchObject({
        status: 'dropped',
      });
      const notices = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/notifications',
        headers: who.headers,
      });
      expect(notices.json()).toMatchObject({ items: [{ kind: 'registration.section_cancelled' }] });
    }
    await consistent();
  });

  it('skips an ineligible head with a recorded reason and a notice; they keep their place', async () => {
    const big = await newSection({ capacity: 5, credits: 10 });
    const s = await newSection({ capacity: 1, waitlistCapacity: 3, credits: 3 });
    const [holder, busy, next] = [
      await world.addStudent(),
      await world.addStudent(),
      await world.addStudent(),
    ];
    const held = (await register(holder, s)).json<{ registration: { id: string } }>().registration
      .id;
    expect((await register(busy, s)).json()).toMatchObject({
      registration: { status: 'waitlisted' },
    });
    await register(next, s);
    // busy now takes 10 credits elsewhere: 13 > 12, so the freed seat cannot be theirs.
    expect((await register(busy, big)).statusCode).toBe(201);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held}`,
      headers: holder.headers,
    });
    expect((await myRegistrations(next)).find((r) => r.sectionId === s)).toMatchObject({
      status: 'enrolled',
    });
    expect((await myRegistrations(busy)).find((r) => r.sectionId === s)).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    const history = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/registrations/history',
      headers: busy.headers,
    });
    expect(history.json()).toMatchObject({
      items: expect.arrayContaining([
        expect.objectContaining({
          action: 'promote',
          outcome: 'skipped',
          blockerCodes: ['credit_limit_exceeded'],
        }),
      ]),
    });
    const notices = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications',
      headers: busy.headers,
    });
    expect(notices.json()).toMatchObject({ items: [{ kind: 'registration.skipped' }] });
    await consistent();
  });
});

describe('reserved seats, notices and the audit log', () => {
  it('holds reserved seats from other students until the release date', async () => {
    courseNumber += 1;
    await world.addCourse({ code: `RSV ${courseNumber}`, credits: 3 });
    const s = await world.addSection({
      course: `RSV ${courseNumber}`,
      code: 'A',
      capacity: 2,
      reservedSeats: [
        {
          kind: 'class_standing',
          value: 'freshman',
          label: 'first-years',
          seats: 1,
          until: new Date(clock.now().getTime() + 7 * 86_400_000),
        },
      ],
    });
    const [sophomore, another, freshman] = [
      await world.addStudent(),
      await world.addStudent(),
      await world.addStudent({ classStanding: 'freshman', creditsEarned: 0 }),
    ];
    expect((await register(sophomore, s)).statusCode).toBe(201);
    const refused = await register(another, s);
    expect(refused.statusCode).toBe(422);
    expect(
      refused.json<{ errors: Array<{ code: string; message: string }> }>().errors[0],
    ).toMatchObject({
      code: 'section_full',
      message: expect.stringContaining('The free seat is reserved for first-years until'),
    });
    expect((await register(freshman, s)).statusCode).toBe(201);
    await consistent();
  });

  it('marks notifications read, one or all', async () => {
    const s = await newSection({ capacity: 1, waitlistCapacity: 2 });
    const [holder, next] = [await world.addStudent(), await world.addStudent()];
    const held = (await register(holder, s)).json<{ registration: { id: string } }>().registration
      .id;
    await register(next, s);
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held}`,
      headers: holder.headers,
    });
    const page = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications?unreadOnly=true',
      headers: next.headers,
    });
    const { items, unreadCount } = page.json<{
      items: Array<{ id: string }>;
      unreadCount: number;
    }>();
    expect(unreadCount).toBe(1);
    const read = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/notifications/${items[0]!.id}/read`,
      headers: next.headers,
    });
    expect(read.statusCode).toBe(204);
    const notMine = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/notifications/${items[0]!.id}/read`,
      headers: holder.headers,
    });
    expect(notMine.statusCode).toBe(404);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications',
      headers: next.headers,
    });
    expect(after.json()).toMatchObject({
      unreadCount: 0,
      items: [{ id: items[0]!.id, readAt: expect.any(String) }],
    });
    const all = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/notifications/read-all',
      headers: next.headers,
    });
    expect(all.statusCode).toBe(204);
  });

  it('pages through the audit log with filters, for admins only', async () => {
    const s = await newSection({ capacity: 5 });
    const students = [await world.addStudent(), await world.addStudent(), await world.addStudent()];
    for (const who of students) await register(who, s);
    const registrar = await admin();
    const first = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?sectionId=${s}&limit=2`,
      headers: registrar.headers,
    });
    const page1 = first.json<{
      items: Array<{ id: string; studentId: string }>;
      nextCursor: string | null;
    }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?sectionId=${s}&limit=2&cursor=${page1.nextCursor}`,
      headers: registrar.headers,
    });
    const page2 = second.json<{
      items: Array<{ id: string; studentId: string }>;
      nextCursor: string | null;
    }>();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    // Newest first: the last registration is on the first page.
    expect([...page1.items, ...page2.items].map((i) => i.studentId)).toEqual(
      students.map((x) => x.id).reverse(),
    );
    const asStudent = await t.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: students[0]!.headers,
    });
    expect(asStudent.statusCode).toBe(403);
    const refusedOnly = await t.app.inject({
      method: 'GET',
      url: `/api/v1/audit?sectionId=${s}&outcome=refused`,
      headers: registrar.headers,
    });
    expect(refusedOnly.json()).toEqual({ items: [], nextCursor: null });
  });
});

describe('the session, checked in the facts statement of a student’s seat routes', () => {
  async function revoke(who: WorldPerson) {
    await t.database.db
      .updateTable('sessions')
      .set({ revoked_at: new Date(), revoked_reason: 'logout' })
      .where('user_id', '=', who.id)
      .execute();
  }

  async function liveRegistrations(who: WorldPerson) {
    return t.database.db
      .selectFrom('registrations')
      .select(['id', 'status'])
      .where('student_id', '=', who.id)
      .where('status', 'in', ['enrolled', 'waitlisted', 'offered', 'pending_payment'])
      .execute();
  }

  it('refuses a signed-out session with 401 on register, swap, drop and accept, changing nothing', async () => {
    const [s1, s2] = [await newSection({ capacity: 5 }), await newSection({ capacity: 5 })];
    const me = await world.addStudent();
    const first = await register(me, s1);
    expect(first.statusCode).toBe(201);
    const registrationId = first.json<{ registration: { id: string } }>().registration.id;
    await revoke(me);

    const attempts = [
      await register(me, s2),
      // A request refused before the facts statement is checked on its way out.
      await register(me, '01a20233-9da7-72fa-8999-962729d14af0'),
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/registrations/swap',
        headers: me.headers,
        payload: { dropRegistrationId: registrationId, addSectionId: s2 },
      }),
      await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/registrations/${registrationId}`,
        headers: me.headers,
      }),
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/me/registrations/${registrationId}/accept`,
        headers: me.headers,
      }),
    ];
    for (const attempt of attempts) {
      expect(attempt.statusCode).toBe(401);
      expect(attempt.json()).toMatchObject({ code: 'unauthenticated' });
    }
    expect(await liveRegistrations(me)).toEqual([{ id: registrationId, status: 'enrolled' }]);
    await consistent();
  });

  it('answers a live session that names no section with 404, on PGlite too', async () => {
    const me = await world.addStudent();
    const missing = await register(me, '01a20233-9da7-72fa-8999-962729d14af0');
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a disabled account and one that lost the student role', async () => {
    const section = await newSection({ capacity: 5 });
    const [disabled, demoted] = [await world.addStudent(), await world.addStudent()];
    await t.database.db
      .updateTable('users')
      .set({ disabled_at: new Date() })
      .where('id', '=', disabled.id)
      .execute();
    await t.database.db
      .updateTable('users')
      .set({ roles: ['instructor'] })
      .where('id', '=', demoted.id)
      .execute();
    for (const who of [disabled, demoted]) {
      expect((await register(who, section)).statusCode).toBe(401);
      expect(await liveRegistrations(who)).toEqual([]);
    }
  });
});

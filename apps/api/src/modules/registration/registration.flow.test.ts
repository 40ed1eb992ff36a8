// Registration flows through HTTP: register, wait-list, drop with promotion, swap, offers,
// idempotency, drop versus withdraw, staff tools, notices and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from './registration.consistency.ts';
import { createWorld, type World, type WorldPerson } from './registration.test-world.ts';

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

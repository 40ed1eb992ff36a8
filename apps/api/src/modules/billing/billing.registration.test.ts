// Charges posted by the registration transactions, through the registration HTTP API: register,
// drop by the refund schedule, swap, wait-list promotion, section cancellation, pay-to-enrol
// (pay to keep the seat, or lose it to the wait-list) and the financial hold when overdue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fixedClock } from '../../lib/clock.ts';
import { createMailer } from '../../lib/mailer.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from '../registration/registration.consistency.ts';
import { createTokenSigner } from '../identity/identity.tokens.ts';
import { createRegistrationService } from '../registration/registration.service.ts';
import {
  createWorld,
  type World,
  type WorldPerson,
  type WorldTerm,
} from '../registration/registration.test-world.ts';
import type { Account, LedgerPage, Payment } from './billing.schemas.ts';
import { createBillingService } from './billing.service.ts';

const DAY = 86_400_000;
const start = new Date();
start.setUTCHours(18, 0, 0, 0);
const clock = fixedClock(start);
const dayOffset = (days: number): string =>
  new Date(start.getTime() + days * DAY).toISOString().slice(0, 10);

let t: TestApp;
let world: World;
let admin: WorldPerson;

beforeAll(async () => {
  t = await createTestApp({ clock });
  world = await createWorld(t.database.db, t.config.jwtSecret);
  admin = await world.addStaff(['admin']);
});
afterAll(async () => {
  await t?.close();
});

async function setTuition(term: WorldTerm, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/terms/${term.id}/tuition`,
    headers: admin.headers,
    payload: {
      currency: 'USD',
      perCreditAmount: 400_00,
      fees: [{ scope: 'term', description: 'Registration fee', amount: 50_00, refundable: false }],
      refundSchedule: [
        { until: dayOffset(10), percent: 100 },
        { until: dayOffset(20), percent: 50 },
      ],
      dueDate: dayOffset(30),
      ...extra,
    },
  });
  expect(res.statusCode).toBe(200);
}

async function register(who: WorldPerson, sectionId: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/registrations',
    headers: who.headers,
    payload: { sectionId },
  });
  return res;
}

async function drop(who: WorldPerson, registrationId: string) {
  return t.app.inject({
    method: 'DELETE',
    url: `/api/v1/me/registrations/${registrationId}`,
    headers: who.headers,
  });
}

async function account(who: WorldPerson): Promise<Account> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/v1/me/account',
    headers: who.headers,
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<Account>();
  const sum = await sql<{ total: number | null }>`
    select sum(amount) as total from ledger_entries where student_id = ${who.id}`.execute(
    t.database.db,
  );
  // The balance is always the sum of the ledger.
  expect(body.balance).toBe(Number(sum.rows[0]?.total ?? 0));
  return body;
}

async function ledger(who: WorldPerson) {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/me/ledger', headers: who.headers });
  return res.json<LedgerPage>().items;
}

/** The registration engine on the test app's database, for what only a job triggers. */
function createTestEngine(app: TestApp, at: typeof clock) {
  return createRegistrationService({
    config: app.config,
    database: app.database,
    jobs: app.jobs,
    clock: at,
    mailer: createMailer({ db: app.database.db, config: app.config }),
    signer: createTokenSigner(app.config.jwtSecret),
    live: app.app.live,
  });
}

async function consistent() {
  const report = await checkRegistrationConsistency(t.database.db);
  expect(report.problems).toEqual([]);
}

describe('charges in the registration transaction', () => {
  it('charges a registration and reverses a drop by the refund schedule', async () => {
    await setTuition(world.term);
    await world.addCourse({ code: 'ECON 101', credits: 3 });
    await world.addCourse({ code: 'ECON 102', credits: 4 });
    const econ101 = await world.addSection({ course: 'ECON 101', code: 'A' });
    const econ102 = await world.addSection({ course: 'ECON 102', code: 'A' });
    const student = await world.addStudent();

    const first = await register(student, econ101);
    expect(first.statusCode).toBe(201);
    const firstId = first.json<{ registration: { id: string } }>().registration.id;
    expect(await account(student)).toMatchObject({ balance: 1_250_00 });
    const entries = await ledger(student);
    expect(entries.map((e) => [e.kind, e.amount, e.registrationId])).toEqual(
      expect.arrayContaining([
        ['charge', 1_200_00, firstId],
        ['charge', 50_00, firstId],
      ]),
    );

    const second = await register(student, econ102);
    const secondId = second.json<{ registration: { id: string } }>().registration.id;
    // 4 more credits; the registration fee is once per term.
    expect((await account(student)).balance).toBe(2_850_00);

    // Day 15 is in the 50 % step: half of ECON 102's tuition comes back.
    clock.set(new Date(start.getTime() + 15 * DAY));
    try {
      expect((await drop(student, secondId)).statusCode).toBe(200);
    } finally {
      clock.set(start);
    }
    expect((await account(student)).balance).toBe(2_850_00 - 800_00);
    // Within the 100 % step everything refundable comes back; the registration fee does not.
    expect((await drop(student, firstId)).statusCode).toBe(200);
    expect((await account(student)).balance).toBe(800_00 + 50_00);
    const reversal = (await ledger(student)).find((e) =>
      e.description.includes('ECON 101 A dropped'),
    );
    expect(reversal).toMatchObject({ kind: 'adjustment', amount: -1_200_00 });
    await consistent();
  });

  it('nets out a swap between sections of one course and charges the difference of a bigger one', async () => {
    await world.addCourse({ code: 'HIST 200', credits: 3 });
    await world.addCourse({ code: 'HIST 300', credits: 4 });
    const a = await world.addSection({ course: 'HIST 200', code: 'A' });
    const b = await world.addSection({ course: 'HIST 200', code: 'B' });
    const c = await world.addSection({ course: 'HIST 300', code: 'A' });
    const student = await world.addStudent();
    const reg = (await register(student, a)).json<{ registration: { id: string } }>().registration;
    const before = (await account(student)).balance;
    const swap = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations/swap',
      headers: student.headers,
      payload: { dropRegistrationId: reg.id, addSectionId: b },
    });
    expect(swap.statusCode).toBe(200);
    expect((await account(student)).balance).toBe(before);
    const added = swap.json<{ added: { id: string } }>().added;
    const bigger = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations/swap',
      headers: student.headers,
      payload: { dropRegistrationId: added.id, addSectionId: c },
    });
    expect(bigger.statusCode).toBe(200);
    expect((await account(student)).balance).toBe(before + 400_00);
    const swapEntry = (await ledger(student)).find((e) => e.description.includes('swapped for'));
    expect(swapEntry).toMatchObject({ kind: 'charge', amount: 400_00 });
  });

  it('charges the wait-listed student who is promoted into a freed seat', async () => {
    await world.addCourse({ code: 'ART 110', credits: 3 });
    const section = await world.addSection({ course: 'ART 110', capacity: 1, waitlistCapacity: 3 });
    const first = await world.addStudent();
    const second = await world.addStudent();
    const seat = (await register(first, section)).json<{ registration: { id: string } }>();
    const waiting = await register(second, section);
    expect(waiting.json()).toMatchObject({ registration: { status: 'waitlisted' } });
    expect((await account(second)).balance).toBe(0);
    await drop(first, seat.registration.id);
    expect((await account(second)).balance).toBe(1_250_00);
    await consistent();
  });

  it('reverses everything but non-refundable fees when the institution cancels a section', async () => {
    await world.addCourse({ code: 'MUS 120', credits: 2 });
    const section = await world.addSection({ course: 'MUS 120' });
    const student = await world.addStudent();
    await register(student, section);
    expect((await account(student)).balance).toBe(850_00);
    const cancel = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sections/${section}`,
      headers: admin.headers,
    });
    expect(cancel.statusCode).toBeLessThan(300);
    expect((await account(student)).balance).toBe(50_00);
    const entry = (await ledger(student)).find((e) => e.description.includes('cancelled'));
    expect(entry).toMatchObject({ kind: 'adjustment', amount: -800_00 });
  });

  it('prices each registration with the tuition setup of its moment, changed or not', async () => {
    await world.addCourse({ code: 'GEO 110', credits: 3 });
    const lab = await world.addCourse({ code: 'GEO 111', credits: 3 });
    const lecture = await world.addSection({ course: 'GEO 110' });
    const fieldwork = await world.addSection({ course: 'GEO 111' });
    const student = await world.addStudent();
    try {
      await setTuition(world.term);
      expect((await register(student, lecture)).statusCode).toBe(201);
      expect((await account(student)).balance).toBe(1_200_00 + 50_00);

      // The registrar raises the rate and adds a course fee between the two registrations.
      await setTuition(world.term, {
        perCreditAmount: 500_00,
        fees: [
          { scope: 'term', description: 'Registration fee', amount: 50_00, refundable: false },
          { scope: 'course', courseId: lab, description: 'Field trip fee', amount: 75_00 },
        ],
      });
      expect((await register(student, fieldwork)).statusCode).toBe(201);
      // 6 credits at the new rate less 3 at the new rate, and the new course fee.
      const charged = (await ledger(student)).filter((e) => e.description.includes('GEO 111'));
      expect(charged.map((e) => e.amount).sort((a, b) => a - b)).toEqual([75_00, 1_500_00]);
    } finally {
      await setTuition(world.term);
    }
  });
});

describe('pay-to-enrol terms', () => {
  let term: WorldTerm;

  beforeAll(async () => {
    term = await world.addTerm();
    await setTuition(term, { payToEnrol: true, paymentHoldMinutes: 20, fees: [] });
  });

  async function checkout(payment: Payment) {
    return t.app.inject({
      method: 'POST',
      url: payment.checkoutUrl!,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'outcome=succeed',
    });
  }

  it('holds the seat as pending_payment until paid, then enrols', async () => {
    await world.addCourse({ code: 'CE 100', credits: 1 });
    const section = await world.addSection({ course: 'CE 100', term });
    const student = await world.addStudent();
    const res = await register(student, section);
    expect(res.statusCode).toBe(201);
    const registration = res.json<{
      registration: { id: string; status: string; offerExpiresAt: string };
    }>().registration;
    expect(registration.status).toBe('pending_payment');
    expect(new Date(registration.offerExpiresAt).getTime()).toBe(start.getTime() + 20 * 60_000);
    const held = await account(student);
    expect(held.balance).toBe(400_00);
    expect(held.heldSeats).toEqual([
      {
        registrationId: registration.id,
        sectionId: section,
        code: expect.stringMatching(/^CE 100 /),
        expiresAt: registration.offerExpiresAt,
      },
    ]);

    const payment = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/payments',
        headers: { ...student.headers, 'idempotency-key': `ce-${student.id}` },
        payload: { amount: 400_00 },
      })
    ).json<{ payment: Payment }>().payment;
    await checkout(payment);
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${term.id}`,
      headers: student.headers,
    });
    expect(mine.json<{ items: { id: string; status: string }[] }>().items).toEqual([
      expect.objectContaining({ id: registration.id, status: 'enrolled' }),
    ]);
    // The release job finds nothing to do once paid.
    const engine = createTestEngine(t, clock);
    clock.set(new Date(start.getTime() + 21 * 60_000));
    try {
      expect(await engine.releaseUnpaidHold(registration.id)).toBe(false);
    } finally {
      clock.set(start);
    }
    expect(await account(student)).toMatchObject({ balance: 0, heldSeats: [] });
    await consistent();
  });

  it('releases an unpaid seat when its time is up, reverses the charge and holds it for the wait-list, until paid', async () => {
    await world.addCourse({ code: 'CE 200', credits: 1 });
    const section = await world.addSection({
      course: 'CE 200',
      term,
      capacity: 1,
      waitlistCapacity: 2,
    });
    const holder = await world.addStudent();
    const waiting = await world.addStudent();
    const last = await world.addStudent();
    const held = (await register(holder, section)).json<{ registration: { id: string } }>();
    for (const student of [waiting, last]) {
      expect((await register(student, section)).json()).toMatchObject({
        registration: { status: 'waitlisted' },
      });
    }
    const engine = createTestEngine(t, clock);
    expect(await engine.releaseUnpaidHold(held.registration.id)).toBe(false); // not yet
    const released = new Date(start.getTime() + 21 * 60_000);
    clock.set(released);
    try {
      expect(await engine.releaseUnpaidHold(held.registration.id)).toBe(true);
    } finally {
      clock.set(start);
    }
    expect((await account(holder)).balance).toBe(0);
    const registrationsOf = async (student: typeof waiting) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/me/registrations?termId=${term.id}`,
          headers: student.headers,
        })
      ).json<{ items: { id: string; status: string; offerExpiresAt: string | null }[] }>().items;
    // The freed seat is held for the head of the wait-list on the same terms: charged, and
    // theirs for the term's hold time from the moment it was freed, unless paid.
    const [promoted] = await registrationsOf(waiting);
    expect(promoted).toMatchObject({
      status: 'pending_payment',
      offerExpiresAt: new Date(released.getTime() + 20 * 60_000).toISOString(),
    });
    expect(await account(waiting)).toMatchObject({
      balance: 400_00,
      heldSeats: [expect.objectContaining({ registrationId: promoted!.id })],
    });
    const notices = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/notifications',
        headers: waiting.headers,
      })
    ).json<{ items: { title: string; body: string }[] }>().items;
    expect(notices[0]).toMatchObject({
      title: expect.stringMatching(/^A seat in CE 200 .* is held for you until you pay$/),
      body: expect.stringContaining('Pay for it by'),
    });
    await consistent();

    // Unpaid in its turn, it goes on down the list.
    expect(await engine.releaseUnpaidHold(promoted!.id)).toBe(false);
    clock.set(new Date(released.getTime() + 21 * 60_000));
    try {
      expect(await engine.releaseUnpaidHold(promoted!.id)).toBe(true);
    } finally {
      clock.set(start);
    }
    expect((await account(waiting)).balance).toBe(0);
    expect((await registrationsOf(last))[0]).toMatchObject({ status: 'pending_payment' });
    await consistent();
  });
});

describe('pay-to-enrol terms with claim windows', () => {
  it('holds an accepted offer until paid, like a seat taken at registration', async () => {
    const term = await world.addTerm({ claimWindowHours: 24 });
    await setTuition(term, { payToEnrol: true, paymentHoldMinutes: 20, fees: [] });
    await world.addCourse({ code: 'CE 300', credits: 1 });
    const section = await world.addSection({
      course: 'CE 300',
      term,
      capacity: 1,
      waitlistCapacity: 2,
      waitlistMode: 'claim',
    });
    const holder = await world.addStudent();
    const waiting = await world.addStudent();
    const held = (await register(holder, section)).json<{ registration: { id: string } }>();
    const queued = (await register(waiting, section)).json<{ registration: { id: string } }>();
    const dropped = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/registrations/${held.registration.id}`,
      headers: holder.headers,
    });
    expect(dropped.statusCode).toBe(200);

    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/registrations/${queued.registration.id}/accept`,
      headers: waiting.headers,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      registration: {
        status: 'pending_payment',
        offerExpiresAt: new Date(start.getTime() + 20 * 60_000).toISOString(),
      },
    });
    expect(await account(waiting)).toMatchObject({
      balance: 400_00,
      heldSeats: [expect.objectContaining({ registrationId: queued.registration.id })],
    });
    await consistent();

    // Unpaid, the hold lapses like any other: the seat goes back and the charge is reversed.
    const engine = createTestEngine(t, clock);
    clock.set(new Date(start.getTime() + 21 * 60_000));
    try {
      expect(await engine.releaseUnpaidHold(queued.registration.id)).toBe(true);
    } finally {
      clock.set(start);
    }
    expect(await account(waiting)).toMatchObject({ balance: 0, heldSeats: [] });
    await consistent();
  });
});

describe('financial hold when overdue', () => {
  it('is placed when past due, blocks registration, and is lifted by the payment', async () => {
    const term = await world.addTerm();
    await setTuition(term, { dueDate: dayOffset(2), financialHoldWhenOverdue: true, fees: [] });
    await world.addCourse({ code: 'FIN 100', credits: 1 });
    await world.addCourse({ code: 'FIN 101', credits: 1 });
    const first = await world.addSection({ course: 'FIN 100', term });
    const second = await world.addSection({ course: 'FIN 101', term });
    const student = await world.addStudent();
    await register(student, first);

    const billing = createBillingService({
      db: t.database.db,
      config: t.config,
      clock,
      mailer: createMailer({ db: t.database.db, config: t.config }),
      jobs: t.jobs,
    });
    await billing.runDailyBilling(new Date(start.getTime() + 4 * DAY));
    const blocked = await register(student, second);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json<{ errors: { code: string }[] }>().errors.map((e) => e.code)).toContain(
      'hold',
    );

    await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/payments`,
      headers: admin.headers,
      payload: { amount: 400_00, method: 'cash' },
    });
    const holds = await t.database.db
      .selectFrom('holds')
      .select(['type', 'lifted_at'])
      .where('student_id', '=', student.id)
      .execute();
    expect(holds).toEqual([{ type: 'financial', lifted_at: expect.any(Date) }]);
    expect((await register(student, second)).statusCode).toBe(201);
  });
});

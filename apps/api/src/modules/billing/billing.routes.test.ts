import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { fixedClock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type {
  Account,
  LedgerPage,
  Payment,
  Refund,
  Statement,
  TuitionSetup,
} from './billing.schemas.ts';
import {
  createBillingService,
  postChargesForRegistration,
  reverseChargesForDrop,
} from './billing.service.ts';
import { createMailer } from '../../lib/mailer.ts';
import {
  createSignedInUser,
  insertBillingSection,
  insertBillingTerm,
  type BillingTestSection,
  type BillingTestUser,
} from './billing.test-support.ts';

const clock = fixedClock(new Date('2026-08-20T15:00:00Z'));

describe('billing over HTTP (test provider)', () => {
  let t: TestApp;
  let admin: BillingTestUser;
  let term: { id: string; code: string };
  let lab: BillingTestSection;
  let lecture: BillingTestSection;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    admin = await createSignedInUser(t, ['admin']);
    term = await insertBillingTerm(t.database.db);
    lab = await insertBillingSection(t.database.db, term.id, { credits: 4 });
    lecture = await insertBillingSection(t.database.db, term.id, { credits: 3 });
  });
  afterAll(async () => {
    await t.close();
  });

  const setup = () => ({
    currency: 'USD',
    perCreditAmount: 500_00,
    bands: [{ minCredits: 12, maxCredits: 18, amount: 6_000_00 }],
    fees: [
      { scope: 'term', description: 'Student services fee', amount: 150_00 },
      {
        scope: 'course',
        courseId: lab.courseId,
        description: 'Lab fee',
        amount: 75_00,
        refundable: false,
      },
    ],
    refundSchedule: [
      { until: '2026-09-04', percent: 100 },
      { until: '2026-09-18', percent: 50 },
    ],
    dueDate: '2026-09-15',
    reminderDaysBefore: [7, 1],
    financialHoldWhenOverdue: true,
  });

  async function enrol(
    student: BillingTestUser,
    section: BillingTestSection,
    load: BillingTestSection[],
  ) {
    const registrationId = newId();
    await postChargesForRegistration(
      t.database.db,
      {
        studentId: student.id,
        termId: term.id,
        registrationId,
        section: {
          id: section.id,
          courseId: section.courseId,
          credits: section.credits,
          code: section.code,
        },
        load: load.map((s) => ({ sectionId: s.id, courseId: s.courseId, credits: s.credits })),
        actorId: student.id,
      },
      clock.now(),
    );
    return registrationId;
  }

  async function account(student: BillingTestUser): Promise<Account> {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/account',
      headers: student.headers,
    });
    expect(res.statusCode).toBe(200);
    return res.json<Account>();
  }

  async function ledgerSum(studentId: string): Promise<number> {
    const row = await sql<{ total: number | null }>`
      select sum(amount) as total from ledger_entries where student_id = ${studentId}`.execute(
      t.database.db,
    );
    return Number(row.rows[0]?.total ?? 0);
  }

  async function pay(student: BillingTestUser, amount: number, key = newId()) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/me/payments',
      headers: { ...student.headers, 'idempotency-key': key },
      payload: { amount },
    });
  }

  async function checkout(payment: Payment, outcome: 'succeed' | 'decline') {
    return t.app.inject({
      method: 'POST',
      url: payment.checkoutUrl!,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `outcome=${outcome}`,
    });
  }

  describe('tuition setup', () => {
    it('is set by admins, validated, and readable by anyone signed in', async () => {
      const student = await createSignedInUser(t, ['student']);
      const missing = await t.app.inject({
        method: 'GET',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: student.headers,
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'tuition_not_configured' });

      const denied = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: student.headers,
        payload: setup(),
      });
      expect(denied.statusCode).toBe(403);

      const bad = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: admin.headers,
        payload: {
          ...setup(),
          bands: [
            { minCredits: 12, maxCredits: 18, amount: 1 },
            { minCredits: 15, maxCredits: 20, amount: 2 },
          ],
          fees: [
            { scope: 'section', sectionId: newId(), description: 'Ghost fee', amount: 100 },
            { scope: 'course', description: 'No course', amount: 100 },
          ],
        },
      });
      expect(bad.statusCode).toBe(400);
      const paths = bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['body.bands.1', 'body.fees.1.courseId']));

      const ghost = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: admin.headers,
        payload: {
          ...setup(),
          fees: [{ scope: 'section', sectionId: newId(), description: 'Ghost fee', amount: 100 }],
        },
      });
      expect(ghost.statusCode).toBe(400);
      expect(ghost.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe(
        'body.fees.0.sectionId',
      );

      const saved = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: admin.headers,
        payload: setup(),
      });
      expect(saved.statusCode).toBe(200);
      const body = saved.json<TuitionSetup>();
      expect(body).toMatchObject({
        currency: 'USD',
        perCreditAmount: 500_00,
        dueDate: '2026-09-15',
        payToEnrol: false,
        financialHoldWhenOverdue: true,
        reminderDaysBefore: [7, 1],
      });
      expect(body.fees.map((f) => [f.scope, f.amount, f.refundable])).toEqual([
        ['term', 150_00, true],
        ['course', 75_00, false],
      ]);

      const read = await t.app.inject({
        method: 'GET',
        url: `/api/v1/terms/${term.id}/tuition`,
        headers: student.headers,
      });
      expect(read.json()).toEqual(body);

      const unknown = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/terms/${newId()}/tuition`,
        headers: admin.headers,
        payload: setup(),
      });
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('charges, ledger and statement', () => {
    it('shows the charges of a registration in the account, ledger and statement', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lab, []);
      const acct = await account(student);
      // 4 credits × 500 + 150 term fee + 75 lab fee.
      expect(acct).toMatchObject({
        currency: 'USD',
        balance: 2_225_00,
        pastDue: 0,
        testMode: true,
      });
      expect(acct.terms).toEqual([
        expect.objectContaining({ termId: term.id, net: 2_225_00, dueDate: '2026-09-15' }),
      ]);
      expect(acct.nextDueDate).toBe('2026-09-15');

      const ledger = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/ledger',
        headers: student.headers,
      });
      const page = ledger.json<LedgerPage>();
      expect(page.items).toHaveLength(3);
      expect(page.items.every((e) => e.kind === 'charge')).toBe(true);
      expect(page.items[0]!.balanceAfter).toBe(2_225_00);

      const small = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/ledger?limit=2',
        headers: student.headers,
      });
      const first = small.json<LedgerPage>();
      expect(first.items).toHaveLength(2);
      const rest = await t.app.inject({
        method: 'GET',
        url: `/api/v1/me/ledger?limit=2&cursor=${first.nextCursor}`,
        headers: student.headers,
      });
      const second = rest.json<LedgerPage>();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(new Set([...first.items, ...second.items].map((e) => e.id)).size).toBe(3);

      const json = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/statement',
        headers: student.headers,
      });
      const statement = json.json<Statement>();
      expect(statement.closingBalance).toBe(2_225_00);
      expect(statement.entries.map((e) => e.balanceAfter).at(-1)).toBe(2_225_00);

      const csv = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/statement?format=csv',
        headers: student.headers,
      });
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toContain('attachment');
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('Date,Kind,Description,Amount,Balance,Currency');
      expect(lines).toHaveLength(4);
      expect(lines.at(-1)).toMatch(/,2225\.00,USD$/);

      const html = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/statement',
        headers: { ...student.headers, accept: 'text/html' },
      });
      expect(html.headers['content-type']).toContain('text/html');
      expect(html.body).toContain('$2,225.00');
      expect(html.body).toContain(student.name);

      expect(acct.balance).toBe(await ledgerSum(student.id));
    });

    it('lets staff read any account and students only their own', async () => {
      const student = await createSignedInUser(t, ['student']);
      const other = await createSignedInUser(t, ['student']);
      const mine = await t.app.inject({
        method: 'GET',
        url: `/api/v1/students/${student.id}/account`,
        headers: student.headers,
      });
      expect(mine.statusCode).toBe(200);
      const theirs = await t.app.inject({
        method: 'GET',
        url: `/api/v1/students/${student.id}/ledger`,
        headers: other.headers,
      });
      expect(theirs.statusCode).toBe(403);
      const staff = await t.app.inject({
        method: 'GET',
        url: `/api/v1/students/${student.id}/statement?format=csv`,
        headers: admin.headers,
      });
      expect(staff.statusCode).toBe(200);
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/me/account' });
      expect(anonymous.statusCode).toBe(401);
    });

    it('refuses to change or delete a ledger entry', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      await expect(
        sql`update ledger_entries set amount = 1 where student_id = ${student.id}`.execute(
          t.database.db,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        sql`delete from ledger_entries where student_id = ${student.id}`.execute(t.database.db),
      ).rejects.toThrow(/append-only/);
    });

    it('refuses to post the same registration charge twice', async () => {
      const student = await createSignedInUser(t, ['student']);
      const registrationId = newId();
      const change = {
        studentId: student.id,
        termId: term.id,
        registrationId,
        section: { id: lecture.id, courseId: lecture.courseId, credits: 3, code: lecture.code },
        load: [],
      };
      await postChargesForRegistration(t.database.db, change, clock.now());
      await expect(
        postChargesForRegistration(t.database.db, change, clock.now()),
      ).rejects.toThrow();
      expect((await account(student)).balance).toBe(1_650_00);
    });
  });

  describe('online payment with the test provider', () => {
    it('pays through the TEST MODE checkout page and credits the account once', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      // 3 × 500 + 150.
      expect((await account(student)).balance).toBe(1_650_00);

      const key = newId();
      const started = await pay(student, 1_000_00, key);
      expect(started.statusCode).toBe(201);
      const payment = started.json<{ payment: Payment }>().payment;
      expect(payment).toMatchObject({
        status: 'pending',
        amount: 1_000_00,
        provider: 'test',
        method: 'card',
      });
      expect(payment.checkoutUrl).toMatch(/^\/api\/v1\/test-checkout\/cs_test_/);

      const again = await pay(student, 1_000_00, key);
      expect(again.statusCode).toBe(201);
      expect(again.json<{ payment: Payment }>().payment).toEqual(payment);

      const other = await pay(student, 999_00, key);
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });

      const page = await t.app.inject({ method: 'GET', url: payment.checkoutUrl! });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('TEST MODE');
      expect(page.body).toContain('$1,000.00');

      const done = await checkout(payment, 'succeed');
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe(`/billing?payment=${payment.id}&result=success`);
      // A second click (or a replayed form post) credits nothing more.
      const twice = await checkout(payment, 'succeed');
      expect(twice.statusCode).toBe(303);

      const acct = await account(student);
      expect(acct.balance).toBe(650_00);
      expect(acct.balance).toBe(await ledgerSum(student.id));
      const stored = await t.app.inject({
        method: 'GET',
        url: `/api/v1/me/payments/${payment.id}`,
        headers: student.headers,
      });
      expect(stored.json<{ payment: Payment }>().payment).toMatchObject({
        status: 'succeeded',
        checkoutUrl: null,
      });
      const replay = await pay(student, 1_000_00, key);
      expect(replay.json<{ payment: Payment }>().payment.id).toBe(payment.id);
      expect((await account(student)).balance).toBe(650_00);

      const receipts = await t.database.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', student.email)
        .execute();
      expect(receipts).toHaveLength(1);
      expect(receipts[0]!.subject).toBe('Payment receipt: $1,000.00');
      expect(receipts[0]!.text_body).toContain('Your balance is now $650.00.');
    });

    it('leaves the balance alone when the card is declined', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      const payment = (await pay(student, 1_650_00)).json<{ payment: Payment }>().payment;
      const declined = await checkout(payment, 'decline');
      expect(declined.headers.location).toBe(`/billing?payment=${payment.id}&result=declined`);
      const after = await t.app.inject({
        method: 'GET',
        url: `/api/v1/me/payments/${payment.id}`,
        headers: student.headers,
      });
      expect(after.json<{ payment: Payment }>().payment).toMatchObject({ status: 'failed' });
      expect((await account(student)).balance).toBe(1_650_00);
      // A declined checkout cannot be paid afterwards.
      await checkout(payment, 'succeed');
      expect((await account(student)).balance).toBe(1_650_00);
    });

    it('refuses payments above the balance or with nothing owed, and unknown sessions', async () => {
      const student = await createSignedInUser(t, ['student']);
      const nothing = await pay(student, 100);
      expect(nothing.statusCode).toBe(422);
      expect(nothing.json()).toMatchObject({ code: 'nothing_to_pay' });
      await enrol(student, lecture, []);
      const tooMuch = await pay(student, 1_650_01);
      expect(tooMuch.statusCode).toBe(422);
      expect(tooMuch.json()).toMatchObject({ code: 'payment_exceeds_balance' });
      const zero = await pay(student, 0);
      expect(zero.statusCode).toBe(400);
      const page = await t.app.inject({ method: 'GET', url: '/api/v1/test-checkout/cs_test_nope' });
      expect(page.statusCode).toBe(404);
      const staff = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/payments',
        headers: admin.headers,
        payload: { amount: 100 },
      });
      expect(staff.statusCode).toBe(403);
    });

    it('does not accept Stripe webhooks without Stripe configured', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
        payload: '{"id":"evt_1"}',
      });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('staff payments, drops and refunds', () => {
    it('records offline payments once per Idempotency-Key', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      const key = newId();
      const record = () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/students/${student.id}/payments`,
          headers: { ...admin.headers, 'idempotency-key': key },
          payload: { amount: 500_00, method: 'check', reference: 'No. 1042' },
        });
      const first = await record();
      expect(first.statusCode).toBe(201);
      const payment = first.json<{ payment: Payment }>().payment;
      expect(payment).toMatchObject({ status: 'succeeded', provider: 'offline', method: 'check' });
      const second = await record();
      expect(second.json<{ payment: Payment }>().payment.id).toBe(payment.id);
      const changed = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/payments`,
        headers: { ...admin.headers, 'idempotency-key': key },
        payload: { amount: 400_00, method: 'check' },
      });
      expect(changed.statusCode).toBe(422);
      expect((await account(student)).balance).toBe(1_150_00);
      const denied = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/payments`,
        headers: student.headers,
        payload: { amount: 500_00, method: 'cash' },
      });
      expect(denied.statusCode).toBe(403);
    });

    it('restores the full charge on a drop inside the full-refund window and refunds the credit to the card', async () => {
      const student = await createSignedInUser(t, ['student']);
      const registrationId = await enrol(student, lecture, []);
      const payment = (await pay(student, 1_650_00)).json<{ payment: Payment }>().payment;
      await checkout(payment, 'succeed');
      expect((await account(student)).balance).toBe(0);

      // 1 September is inside the 100 % step (until 4 September).
      await reverseChargesForDrop(
        t.database.db,
        {
          studentId: student.id,
          termId: term.id,
          registrationId,
          section: { id: lecture.id, courseId: lecture.courseId, credits: 3, code: lecture.code },
          load: [{ sectionId: lecture.id, courseId: lecture.courseId, credits: 3 }],
        },
        new Date('2026-09-01T12:00:00Z'),
      );
      expect((await account(student)).balance).toBe(-1_650_00);

      const tooMuch = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/refunds`,
        headers: { ...admin.headers, 'idempotency-key': newId() },
        payload: { amount: 1_650_01 },
      });
      expect(tooMuch.statusCode).toBe(422);
      expect(tooMuch.json()).toMatchObject({ code: 'refund_exceeds_credit' });

      const key = newId();
      const refund = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/refunds`,
        headers: { ...admin.headers, 'idempotency-key': key },
        payload: { amount: 1_650_00, reason: 'Dropped in week 1' },
      });
      expect(refund.statusCode).toBe(201);
      const refunds = refund.json<{ refunds: Refund[] }>().refunds;
      expect(refunds).toEqual([
        expect.objectContaining({
          amount: 1_650_00,
          method: 'card',
          provider: 'test',
          status: 'succeeded',
          paymentId: payment.id,
        }),
      ]);
      const replay = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/refunds`,
        headers: { ...admin.headers, 'idempotency-key': key },
        payload: { amount: 1_650_00, reason: 'Dropped in week 1' },
      });
      expect(replay.json<{ refunds: Refund[] }>().refunds.map((r) => r.id)).toEqual(
        refunds.map((r) => r.id),
      );
      const acct = await account(student);
      expect(acct.balance).toBe(0);
      expect(acct.balance).toBe(await ledgerSum(student.id));
      const list = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/payments',
        headers: student.headers,
      });
      expect(list.json<{ items: Payment[] }>().items[0]).toMatchObject({
        refundedAmount: 1_650_00,
      });
    });

    it('credits half in the 50 % window, keeps the non-refundable fee, and refunds the rest by check', async () => {
      const student = await createSignedInUser(t, ['student']);
      const registrationId = await enrol(student, lab, []);
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/payments`,
        headers: admin.headers,
        payload: { amount: 2_225_00, method: 'cash' },
      });
      // 5 September (Chicago) is the first day of the 50 % step.
      await reverseChargesForDrop(
        t.database.db,
        {
          studentId: student.id,
          termId: term.id,
          registrationId,
          section: { id: lab.id, courseId: lab.courseId, credits: 4, code: lab.code },
          load: [{ sectionId: lab.id, courseId: lab.courseId, credits: 4 }],
        },
        new Date('2026-09-05T06:00:00Z'),
      );
      // Back: 50 % of 2 000 tuition and of the 150 term fee; the 75 lab fee is not refundable.
      expect((await account(student)).balance).toBe(-1_075_00);
      const refund = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/refunds`,
        headers: admin.headers,
        payload: { amount: 1_075_00 },
      });
      expect(refund.json<{ refunds: Refund[] }>().refunds).toEqual([
        expect.objectContaining({ method: 'check', provider: 'offline', status: 'succeeded' }),
      ]);
      expect((await account(student)).balance).toBe(0);
    });

    it('posts manual adjustments', async () => {
      const student = await createSignedInUser(t, ['student']);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/adjustments`,
        headers: admin.headers,
        payload: { amount: -250_00, description: 'Scholarship', termId: term.id },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        entry: {
          kind: 'adjustment',
          amount: -250_00,
          balanceAfter: -250_00,
          description: 'Scholarship',
        },
      });
      const zero = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${student.id}/adjustments`,
        headers: admin.headers,
        payload: { amount: 0, description: 'Nothing' },
      });
      expect(zero.statusCode).toBe(400);
    });

    it('lists balances for the bursar, past due ones on request', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      const all = await t.app.inject({
        method: 'GET',
        url: `/api/v1/billing/balances?q=${encodeURIComponent(student.email)}`,
        headers: admin.headers,
      });
      expect(all.json<{ items: unknown[] }>().items).toEqual([
        expect.objectContaining({ studentId: student.id, balance: 1_650_00, pastDue: 0 }),
      ]);
      const pastDue = await t.app.inject({
        method: 'GET',
        url: `/api/v1/billing/balances?pastDue=true&q=${encodeURIComponent(student.email)}`,
        headers: admin.headers,
      });
      expect(pastDue.json<{ items: unknown[] }>().items).toEqual([]);
    });
  });

  describe('reminders and overdue notices', () => {
    it('sends each reminder once, on the lead days, and one overdue notice per missed due date', async () => {
      const student = await createSignedInUser(t, ['student']);
      await enrol(student, lecture, []);
      const service = createBillingService({
        db: t.database.db,
        config: t.config,
        clock,
        mailer: createMailer({ db: t.database.db, config: t.config }),
        jobs: t.jobs,
      });
      const mail = async () =>
        (
          await t.database.db
            .selectFrom('mail_outbox')
            .select('subject')
            .where('to_address', '=', student.email)
            .orderBy('created_at')
            .execute()
        ).map((m) => m.subject);

      await service.runDailyBilling(new Date('2026-09-07T15:00:00Z'));
      expect(await mail()).toEqual([]);
      await service.runDailyBilling(new Date('2026-09-08T15:00:00Z'));
      await service.runDailyBilling(new Date('2026-09-08T18:00:00Z'));
      expect(await mail()).toEqual(['Payment reminder: $1,650.00 due 2026-09-15']);
      await service.runDailyBilling(new Date('2026-09-14T15:00:00Z'));
      expect(await mail()).toHaveLength(2);

      await service.runDailyBilling(new Date('2026-09-16T15:00:00Z'));
      await service.runDailyBilling(new Date('2026-09-17T15:00:00Z'));
      const subjects = await mail();
      expect(subjects).toHaveLength(3);
      expect(subjects[2]).toBe('Your account is past due: $1,650.00');

      clock.set(new Date('2026-09-16T15:00:00Z'));
      try {
        expect(await account(student)).toMatchObject({ balance: 1_650_00, pastDue: 1_650_00 });
      } finally {
        clock.set(new Date('2026-08-20T15:00:00Z'));
      }
    });
  });
});

describe('the daily billing job', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      clock: fixedClock(new Date('2026-09-10T15:00:00Z')),
      startJobs: true,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs once a day whoever triggers it, and books the next day', async () => {
    const service = createBillingService({
      db: t.database.db,
      config: t.config,
      clock: fixedClock(new Date('2026-09-10T15:00:00Z')),
      mailer: createMailer({ db: t.database.db, config: t.config }),
      jobs: t.jobs,
    });
    await service.runDailyJob();
    await service.runDailyJob();
    const runs = await sql<{ job: string; day: string }>`
      select job, to_char(run_on, 'YYYY-MM-DD') as day from billing_job_runs`.execute(
      t.database.db,
    );
    expect(runs.rows).toEqual([{ job: 'billing.daily', day: '2026-09-10' }]);
    const booked = await sql<{ start_after: Date }>`
      select start_after from pgboss.job where name = 'billing.daily' and state = 'created'`.execute(
      t.database.db,
    );
    expect(booked.rows.map((r) => new Date(r.start_after).toISOString())).toEqual([
      '2026-09-11T11:00:00.000Z',
    ]);
  });
});

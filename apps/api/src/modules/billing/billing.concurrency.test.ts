// Duplicate payment requests, checkout clicks, refunds and webhook deliveries racing each other on
// PostgreSQL (a single PGlite connection cannot race, so these run only with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newId } from '../../lib/ids.ts';
import { createTestApp, onPostgres, type TestApp } from '../../test/test-app.ts';
import type { Payment, Refund } from './billing.schemas.ts';
import { postChargesForRegistration, reverseChargesForDrop } from './billing.service.ts';
import {
  signedEvent,
  startFakeStripe,
  WEBHOOK_SECRET,
  type FakeStripe,
} from './billing.fake-stripe.ts';
import {
  createSignedInUser,
  insertBillingSection,
  insertBillingTerm,
  type BillingTestSection,
  type BillingTestUser,
} from './billing.test-support.ts';

const RACERS = 16;

async function setUp(t: TestApp) {
  const admin = await createSignedInUser(t, ['admin']);
  const term = await insertBillingTerm(t.database.db);
  const section = await insertBillingSection(t.database.db, term.id, { credits: 3 });
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/terms/${term.id}/tuition`,
    headers: admin.headers,
    payload: { currency: 'USD', perCreditAmount: 500_00 },
  });
  expect(res.statusCode).toBe(200);
  return { admin, term, section };
}

function change(
  studentId: string,
  termId: string,
  section: BillingTestSection,
  registrationId: string,
) {
  return {
    studentId,
    termId,
    registrationId,
    section: { id: section.id, courseId: section.courseId, credits: 3, code: section.code },
    load: [{ sectionId: section.id, courseId: section.courseId, credits: 3 }],
  };
}

async function ledger(t: TestApp, studentId: string) {
  const result = await sql<{ kind: string; total: number; entries: number }>`
    select kind, sum(amount) as total, count(*)::int as entries
    from ledger_entries where student_id = ${studentId} group by kind order by kind`.execute(
    t.database.db,
  );
  return result.rows.map((r) => ({ kind: r.kind, total: Number(r.total), entries: r.entries }));
}

describe.skipIf(!onPostgres())('billing under concurrent requests (PostgreSQL)', () => {
  let t: TestApp;
  let admin: BillingTestUser;
  let term: { id: string };
  let section: BillingTestSection;

  beforeAll(async () => {
    t = await createTestApp();
    ({ admin, term, section } = await setUp(t));
  });
  afterAll(async () => {
    await t.close();
  });

  async function owing(): Promise<{ student: BillingTestUser; registrationId: string }> {
    const student = await createSignedInUser(t, ['student']);
    const registrationId = newId();
    await postChargesForRegistration(
      t.database.db,
      { ...change(student.id, term.id, section, registrationId), load: [] },
      new Date(),
    );
    return { student, registrationId };
  }

  it('creates one payment for duplicate requests with one Idempotency-Key, and credits it once', async () => {
    const { student } = await owing();
    const key = newId();
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/me/payments',
          headers: { ...student.headers, 'idempotency-key': key },
          payload: { amount: 1_000_00 },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(RACERS).fill(201));
    const payments = responses.map((r) => r.json<{ payment: Payment }>().payment);
    expect(new Set(payments.map((p) => p.id)).size).toBe(1);
    expect(new Set(payments.map((p) => p.checkoutUrl)).size).toBe(1);
    const rows = await t.database.db
      .selectFrom('payments')
      .select('id')
      .where('student_id', '=', student.id)
      .execute();
    expect(rows).toHaveLength(1);

    const clicks = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.app.inject({
          method: 'POST',
          url: payments[0]!.checkoutUrl!,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'outcome=succeed',
        }),
      ),
    );
    expect(clicks.every((c) => c.statusCode === 303)).toBe(true);
    expect(await ledger(t, student.id)).toEqual([
      { kind: 'charge', total: 1_500_00, entries: 1 },
      { kind: 'payment', total: -1_000_00, entries: 1 },
    ]);
  });

  it('records one offline payment for duplicate staff requests', async () => {
    const { student } = await owing();
    const key = newId();
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/students/${student.id}/payments`,
          headers: { ...admin.headers, 'idempotency-key': key },
          payload: { amount: 1_500_00, method: 'bank_transfer', reference: 'TX-77' },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(RACERS).fill(201));
    expect(new Set(responses.map((r) => r.json<{ payment: Payment }>().payment.id)).size).toBe(1);
    expect((await ledger(t, student.id)).find((l) => l.kind === 'payment')).toEqual({
      kind: 'payment',
      total: -1_500_00,
      entries: 1,
    });
  });

  it('never refunds one credit twice, whatever the keys', async () => {
    const { student, registrationId } = await owing();
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/payments`,
      headers: admin.headers,
      payload: { amount: 1_500_00, method: 'cash' },
    });
    await reverseChargesForDrop(
      t.database.db,
      change(student.id, term.id, section, registrationId),
      new Date(),
    );
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/students/${student.id}/refunds`,
          headers: { ...admin.headers, 'idempotency-key': newId() },
          payload: { amount: 1_500_00, method: 'check' },
        }),
      ),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, ...Array(RACERS - 1).fill(422)]);
    const refunded = responses
      .filter((r) => r.statusCode === 201)
      .flatMap((r) => r.json<{ refunds: Refund[] }>().refunds);
    expect(refunded.map((r) => r.amount)).toEqual([1_500_00]);
    const total = (await ledger(t, student.id)).reduce((sum, l) => sum + l.total, 0);
    expect(total).toBe(0);
  });
});

describe.skipIf(!onPostgres())('Stripe webhooks delivered concurrently (PostgreSQL)', () => {
  let stripe: FakeStripe;
  let t: TestApp;
  let term: { id: string };
  let section: BillingTestSection;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_concurrency',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
      },
    });
    ({ term, section } = await setUp(t));
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  it('credits once when one event, and twin events, arrive at the same time', async () => {
    const student = await createSignedInUser(t, ['student']);
    await postChargesForRegistration(
      t.database.db,
      { ...change(student.id, term.id, section, newId()), load: [] },
      new Date(),
    );
    const payment = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/payments',
        headers: { ...student.headers, 'idempotency-key': newId() },
        payload: { amount: 1_500_00 },
      })
    ).json<{ payment: Payment }>().payment;
    const session = {
      id: payment.checkoutUrl!.split('/').pop()!,
      object: 'checkout.session',
      payment_status: 'paid',
      client_reference_id: payment.id,
      payment_intent: 'pi_concurrent',
    };
    const one = signedEvent('checkout.session.completed', session);
    const deliveries = [
      ...Array.from({ length: RACERS }, () => one),
      ...Array.from({ length: 4 }, () => signedEvent('checkout.session.completed', session)),
    ];
    const responses = await Promise.all(
      deliveries.map((event) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks/stripe',
          headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
          payload: event.payload,
        }),
      ),
    );
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    const firsts = responses
      .slice(0, RACERS)
      .filter((r) => !r.json<{ duplicate: boolean }>().duplicate);
    expect(firsts).toHaveLength(1);
    expect((await ledger(t, student.id)).find((l) => l.kind === 'payment')).toEqual({
      kind: 'payment',
      total: -1_500_00,
      entries: 1,
    });
  });
});

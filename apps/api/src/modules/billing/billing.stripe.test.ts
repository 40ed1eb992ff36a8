import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newId } from '../../lib/ids.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Account, Payment, Refund } from './billing.schemas.ts';
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

describe('billing with Stripe (a local fake of its API)', () => {
  let stripe: FakeStripe;
  let t: TestApp;
  let admin: BillingTestUser;
  let term: { id: string };
  let section: BillingTestSection;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_billing_tests',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
        PUBLIC_URL: 'https://registrar.example.edu',
      },
    });
    admin = await createSignedInUser(t, ['admin']);
    term = await insertBillingTerm(t.database.db);
    section = await insertBillingSection(t.database.db, term.id, { credits: 3 });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/terms/${term.id}/tuition`,
      headers: admin.headers,
      payload: { currency: 'USD', perCreditAmount: 400_00, dueDate: '2026-09-15' },
    });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  async function studentOwing(): Promise<{ student: BillingTestUser; registrationId: string }> {
    const student = await createSignedInUser(t, ['student']);
    const registrationId = newId();
    await postChargesForRegistration(
      t.database.db,
      {
        studentId: student.id,
        termId: term.id,
        registrationId,
        section: { id: section.id, courseId: section.courseId, credits: 3, code: section.code },
        load: [],
      },
      new Date('2026-08-20T12:00:00Z'),
    );
    return { student, registrationId };
  }

  async function balance(student: BillingTestUser): Promise<number> {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/account',
      headers: student.headers,
    });
    const account = res.json<Account>();
    const sum = await sql<{ total: number | null }>`
      select sum(amount) as total from ledger_entries where student_id = ${student.id}`.execute(
      t.database.db,
    );
    expect(account.balance).toBe(Number(sum.rows[0]?.total ?? 0));
    return account.balance;
  }

  async function startPayment(student: BillingTestUser, amount: number, key = newId()) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/me/payments',
      headers: { ...student.headers, 'idempotency-key': key },
      payload: { amount },
    });
  }

  async function deliver(event: { payload: string; signature: string }) {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': event.signature,
      },
      payload: event.payload,
    });
  }

  function sessionOf(payment: Payment) {
    const request = stripe.requests.find(
      (r) => r.path === '/v1/checkout/sessions' && r.form.get('client_reference_id') === payment.id,
    );
    const id = payment.checkoutUrl!.split('/').pop()!;
    return { request, id };
  }

  async function paid(student: BillingTestUser, amount: number, intent = `pi_${newId()}`) {
    const payment = (await startPayment(student, amount)).json<{ payment: Payment }>().payment;
    const { id } = sessionOf(payment);
    const completed = signedEvent('checkout.session.completed', {
      id,
      object: 'checkout.session',
      payment_status: 'paid',
      status: 'complete',
      client_reference_id: payment.id,
      metadata: { paymentId: payment.id },
      amount_total: amount,
      currency: 'usd',
      payment_intent: intent,
    });
    expect((await deliver(completed)).statusCode).toBe(200);
    return { payment, intent, completed };
  }

  it('creates a Stripe Checkout Session for the amount, with return URLs and an idempotency key', async () => {
    const { student } = await studentOwing();
    const key = newId();
    const res = await startPayment(student, 1_000_00, key);
    expect(res.statusCode).toBe(201);
    const payment = res.json<{ payment: Payment }>().payment;
    expect(payment).toMatchObject({ provider: 'stripe', status: 'pending', amount: 1_000_00 });
    expect(payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_fake_/);

    const { request } = sessionOf(payment);
    expect(request).toBeDefined();
    expect(request!.authorization).toBe('Bearer sk_test_billing_tests');
    expect(request!.idempotencyKey).toBe(`checkout-${payment.id}`);
    expect(request!.form.get('mode')).toBe('payment');
    expect(request!.form.get('line_items[0][price_data][unit_amount]')).toBe('100000');
    expect(request!.form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(request!.form.get('success_url')).toBe(
      `https://registrar.example.edu/billing?payment=${payment.id}&result=success`,
    );
    expect(request!.form.get('cancel_url')).toBe(
      `https://registrar.example.edu/billing?payment=${payment.id}&result=cancelled`,
    );
    expect(request!.form.get('customer_email')).toBe(student.email);

    const calls = stripe.requests.length;
    const again = await startPayment(student, 1_000_00, key);
    expect(again.json<{ payment: Payment }>().payment).toEqual(payment);
    expect(stripe.requests.length).toBe(calls);
  });

  it('answers 502 when Stripe refuses, and the same key works once Stripe is back', async () => {
    const { student } = await studentOwing();
    const key = newId();
    stripe.failNext(
      '/v1/checkout/sessions',
      400,
      'Your account cannot currently make live charges.',
    );
    const failed = await startPayment(student, 500_00, key);
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toMatchObject({ code: 'payment_provider_unavailable' });
    const retried = await startPayment(student, 500_00, key);
    expect(retried.statusCode).toBe(201);
    const payment = retried.json<{ payment: Payment }>().payment;
    expect(payment.checkoutUrl).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const rows = await t.database.db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('student_id', '=', student.id)
      .orderBy('created_at')
      .execute();
    // The attempt Stripe refused is kept as failed; the key now names the new payment.
    expect(rows.map((r) => r.status)).toEqual(['failed', 'pending']);
    expect(rows[1]!.id).toBe(payment.id);
    const replay = await startPayment(student, 500_00, key);
    expect(replay.json<{ payment: Payment }>().payment.id).toBe(payment.id);
  });

  it('rejects webhooks without a valid signature over the exact body', async () => {
    const { student } = await studentOwing();
    const payment = (await startPayment(student, 1_200_00)).json<{ payment: Payment }>().payment;
    const event = signedEvent('checkout.session.completed', {
      id: sessionOf(payment).id,
      object: 'checkout.session',
      payment_status: 'paid',
      client_reference_id: payment.id,
      payment_intent: 'pi_forged',
    });
    const unsigned = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: event.payload,
    });
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.json()).toMatchObject({ code: 'invalid_signature' });
    const tampered = await deliver({ ...event, payload: event.payload.replace('paid', 'paid ') });
    expect(tampered.statusCode).toBe(400);
    const wrongSecret = await deliver({
      payload: event.payload,
      signature: event.signature.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`),
    });
    expect(wrongSecret.statusCode).toBe(400);
    expect(await balance(student)).toBe(1_200_00);
  });

  it('credits a completed checkout once, however often the event is replayed', async () => {
    const { student } = await studentOwing();
    const { payment, completed } = await paid(student, 1_200_00, 'pi_replayed');
    expect(await balance(student)).toBe(0);

    const replay = await deliver(completed);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ received: true, duplicate: true });
    // Stripe can also send the same fact twice under two event ids.
    const twin = signedEvent('checkout.session.completed', {
      id: sessionOf(payment).id,
      object: 'checkout.session',
      payment_status: 'paid',
      client_reference_id: payment.id,
      payment_intent: 'pi_replayed',
    });
    expect((await deliver(twin)).json()).toEqual({ received: true, duplicate: false });
    expect(await balance(student)).toBe(0);

    const stored = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/payments/${payment.id}`,
      headers: student.headers,
    });
    expect(stored.json<{ payment: Payment }>().payment).toMatchObject({ status: 'succeeded' });
    const receipts = await t.database.db
      .selectFrom('mail_outbox')
      .select('subject')
      .where('to_address', '=', student.email)
      .execute();
    expect(receipts.map((r) => r.subject)).toEqual(['Payment receipt: $1,200.00']);
  });

  it('marks failed and expired checkouts without touching the balance', async () => {
    const { student } = await studentOwing();
    const a = (await startPayment(student, 100_00)).json<{ payment: Payment }>().payment;
    const b = (await startPayment(student, 200_00)).json<{ payment: Payment }>().payment;
    const c = (await startPayment(student, 300_00)).json<{ payment: Payment }>().payment;
    await deliver(
      signedEvent('payment_intent.payment_failed', {
        id: 'pi_declined',
        object: 'payment_intent',
        metadata: { paymentId: a.id },
        last_payment_error: { message: 'Your card has insufficient funds.' },
      }),
    );
    await deliver(
      signedEvent('checkout.session.async_payment_failed', {
        id: sessionOf(b).id,
        object: 'checkout.session',
        payment_status: 'unpaid',
        client_reference_id: b.id,
      }),
    );
    await deliver(
      signedEvent('checkout.session.expired', {
        id: sessionOf(c).id,
        object: 'checkout.session',
        payment_status: 'unpaid',
        client_reference_id: c.id,
      }),
    );
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/payments',
      headers: student.headers,
    });
    const byId = new Map(list.json<{ items: Payment[] }>().items.map((p) => [p.id, p]));
    expect(byId.get(a.id)).toMatchObject({
      status: 'pending',
      failureReason: 'Your card has insufficient funds.',
    });
    expect(byId.get(b.id)).toMatchObject({ status: 'failed', checkoutUrl: null });
    expect(byId.get(c.id)).toMatchObject({ status: 'expired' });
    expect(await balance(student)).toBe(1_200_00);
  });

  it('refunds a credit to the card through Stripe and ignores its own refund coming back as an event', async () => {
    const { student, registrationId } = await studentOwing();
    const { payment, intent } = await paid(student, 1_200_00);
    await reverseChargesForDrop(
      t.database.db,
      {
        studentId: student.id,
        termId: term.id,
        registrationId,
        section: { id: section.id, courseId: section.courseId, credits: 3, code: section.code },
        load: [{ sectionId: section.id, courseId: section.courseId, credits: 3 }],
      },
      new Date('2026-08-25T12:00:00Z'),
    );
    expect(await balance(student)).toBe(-1_200_00);

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/refunds`,
      headers: { ...admin.headers, 'idempotency-key': newId() },
      payload: { amount: 700_00, reason: 'Course dropped' },
    });
    expect(res.statusCode).toBe(201);
    const [refund] = res.json<{ refunds: Refund[] }>().refunds;
    expect(refund).toMatchObject({
      amount: 700_00,
      provider: 'stripe',
      method: 'card',
      status: 'succeeded',
      paymentId: payment.id,
    });
    const call = stripe.requests.findLast((r) => r.path === '/v1/refunds')!;
    expect(call.form.get('payment_intent')).toBe(intent);
    expect(call.form.get('amount')).toBe('70000');
    expect(call.idempotencyKey).toBe(`refund-${refund!.id}`);
    expect(await balance(student)).toBe(-500_00);

    // Stripe reports the refund it just made: nothing new to record.
    const ours = await deliver(
      signedEvent('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: intent,
        amount: 1_200_00,
        amount_refunded: 700_00,
      }),
    );
    expect(ours.statusCode).toBe(200);
    expect(await balance(student)).toBe(-500_00);
    // A further 500 refunded in the Stripe dashboard is recorded from the event.
    await deliver(
      signedEvent('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: intent,
        amount: 1_200_00,
        amount_refunded: 1_200_00,
      }),
    );
    expect(await balance(student)).toBe(0);
    const refunds = (
      await t.app.inject({ method: 'GET', url: '/api/v1/me/payments', headers: student.headers })
    ).json<{ items: Payment[]; refunds: Refund[] }>();
    expect(refunds.items.find((p) => p.id === payment.id)?.refundedAmount).toBe(1_200_00);
    expect(refunds.refunds.map((r) => [r.origin, r.amount]).sort()).toEqual([
      ['provider', 500_00],
      ['staff', 700_00],
    ]);

    // The card refund later fails at the bank: the credit comes back to the account.
    const stripeRefundId = await providerRefundId(refund!.id);
    expect(stripeRefundId).toMatch(/^re_fake_/);
    await deliver(
      signedEvent('refund.failed', {
        id: stripeRefundId,
        object: 'refund',
        status: 'failed',
        failure_reason: 'expired_or_canceled_card',
        amount: 700_00,
      }),
    );
    expect(await balance(student)).toBe(-700_00);
  });

  async function providerRefundId(refundId: string): Promise<string> {
    const row = await t.database.db
      .selectFrom('refunds')
      .select('provider_refund_id')
      .where('id', '=', refundId)
      .executeTakeFirstOrThrow();
    return row.provider_refund_id!;
  }

  it('restores the credit at once when Stripe refuses the refund', async () => {
    const { student, registrationId } = await studentOwing();
    await paid(student, 1_200_00);
    await reverseChargesForDrop(
      t.database.db,
      {
        studentId: student.id,
        termId: term.id,
        registrationId,
        section: { id: section.id, courseId: section.courseId, credits: 3, code: section.code },
        load: [{ sectionId: section.id, courseId: section.courseId, credits: 3 }],
      },
      new Date('2026-08-25T12:00:00Z'),
    );
    stripe.failNext('/v1/refunds', 400, 'Charge has been disputed.');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/students/${student.id}/refunds`,
      headers: admin.headers,
      payload: { amount: 1_200_00 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<{ refunds: Refund[] }>().refunds).toEqual([
      expect.objectContaining({
        status: 'failed',
        failureReason: expect.stringContaining('disputed'),
      }),
    ]);
    expect(await balance(student)).toBe(-1_200_00);
  });
});

// Billing rules: tuition setup, the student ledger, online and offline payments, refunds,
// provider webhooks, reminders and overdue notices. Opens the transactions; the repo runs SQL.
//
// The registration module posts charges inside its own transaction with the functions at the
// end of this file (postChargesForRegistration, reverseChargesForDrop, postChargesForSwap, or
// their pure parts chargesForAdd/chargesForDrop/chargesForSwap + insertLedgerEntries).
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type Stripe from 'stripe';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { PaymentMethod } from '../../db/tables/billing.ts';
import { ConflictError, NotFoundError, type ProblemItem } from '../../http/errors.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { Clock } from '../../lib/clock.ts';
import { isId, newId } from '../../lib/ids.ts';
import type { Mailer } from '../../lib/mailer.ts';
import {
  CheckoutNotFoundError,
  CurrencyMismatchError,
  IdempotencyKeyReusedError,
  InvalidTuitionSetupError,
  InvalidWebhookSignatureError,
  NothingToPayError,
  PaymentExceedsBalanceError,
  PaymentNotFoundError,
  PaymentProviderUnavailableError,
  RefundExceedsCreditError,
  StripeNotConfiguredError,
  StudentAccountNotFoundError,
  TuitionNotConfiguredError,
} from './billing.errors.ts';
import {
  checkTuitionRules,
  daysBefore,
  formatMoney,
  localDate,
  priceLoadChange,
  refundPercentAt,
  type LoadItem,
} from './billing.ledger.ts';
import {
  createStripeProvider,
  createTestProvider,
  newTestPaymentIntentId,
  ProviderUnavailableError,
  TEST_CHECKOUT_PATH,
  type PaymentProvider,
  type StripeProvider,
} from './billing.providers.ts';
import * as repo from './billing.repo.ts';
import { confirmPendingPayments } from '../registration/registration.repo.ts';
import type {
  BillingFacts,
  Executor,
  NewLedgerEntry,
  PaymentRow,
  RefundRow,
} from './billing.repo.ts';
import type {
  Account,
  AdjustmentInput,
  BalancesPage,
  LedgerEntry,
  LedgerPage,
  OfflinePaymentInput,
  OnlinePaymentInput,
  Payment,
  PaymentList,
  Refund,
  RefundInput,
  Statement,
  TuitionSetup,
  TuitionSetupInput,
} from './billing.schemas.ts';
import { testCheckoutHtml } from './billing.statement.ts';

/** Where the web app shows a student's account; checkout returns there. */
export const ACCOUNT_PAGE_PATH = '/billing';
export const DAILY_JOB = 'billing.daily';
const DEFAULT_CURRENCY = 'USD';
/** The daily run starts at this UTC hour (early morning in the Americas, midday in Europe). */
const DAILY_RUN_UTC_HOUR = 11;

export interface BillingDeps {
  readonly db: Kysely<DB>;
  readonly config: Config;
  readonly clock: Clock;
  readonly mailer: Mailer;
  readonly jobs: JobQueue;
}

export interface RequestContext {
  actorId: string;
  idempotencyKey: string | undefined;
}

// ---- mapping rows to API shapes

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    studentId: row.student_id,
    amount: Number(row.amount),
    currency: row.currency.trim(),
    status: row.status,
    method: row.method,
    provider: row.provider,
    checkoutUrl: row.status === 'pending' ? row.checkout_url : null,
    reference: row.reference,
    refundedAmount: Number(row.refunded_amount),
    failureReason: row.failure_reason,
    createdAt: iso(row.created_at),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
  };
}

function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    studentId: row.student_id,
    paymentId: row.payment_id,
    amount: Number(row.amount),
    currency: row.currency.trim(),
    method: row.method,
    provider: row.provider,
    status: row.status,
    origin: row.origin,
    reason: row.reason,
    failureReason: row.failure_reason,
    createdAt: iso(row.created_at),
    completedAt: row.completed_at ? iso(row.completed_at) : null,
  };
}

function toLedgerEntry(row: repo.LedgerRow): LedgerEntry {
  return {
    id: row.id,
    kind: row.kind,
    amount: Number(row.amount),
    currency: row.currency.trim(),
    description: row.description,
    postedAt: iso(row.posted_at),
    termId: row.term_id,
    registrationId: row.registration_id,
    sectionId: row.section_id,
    paymentId: row.payment_id,
    refundId: row.refund_id,
    balanceAfter: row.balance_after,
  };
}

function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

function encodeCursor(cursor: repo.LedgerCursor): string {
  return Buffer.from(JSON.stringify([cursor.postedAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string | undefined): repo.LedgerCursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      isId(parsed[1])
    ) {
      return { postedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the validation error.
  }
  throw new ConflictError('invalid_cursor', 'The cursor is not valid; start from the first page.');
}

const METHOD_LABELS: Record<PaymentMethod, string> = {
  card: 'card',
  cash: 'cash',
  check: 'check',
  bank_transfer: 'bank transfer',
  other: 'other',
};

// ---- the service

export type BillingService = ReturnType<typeof createBillingService>;

export function createBillingService(deps: BillingDeps) {
  const { db, config, clock, mailer } = deps;
  const stripe: StripeProvider | undefined =
    config.stripeSecretKey && config.stripeWebhookSecret
      ? createStripeProvider({
          secretKey: config.stripeSecretKey,
          webhookSecret: config.stripeWebhookSecret,
          apiUrl: config.stripeApiUrl,
        })
      : undefined;
  const provider: PaymentProvider = stripe ?? createTestProvider();
  const accountPath = (paymentId: string, result: string): string =>
    `${ACCOUNT_PAGE_PATH}?payment=${paymentId}&result=${result}`;
  const accountUrl = (paymentId: string, result: string): string =>
    `${config.publicUrl}${accountPath(paymentId, result)}`;

  async function requireStudent(executor: Executor, studentId: string): Promise<repo.StudentInfo> {
    const student = await repo.findStudent(executor, studentId);
    if (!student) throw new StudentAccountNotFoundError();
    return student;
  }

  async function primaryCurrency(executor: Executor, studentId: string): Promise<string> {
    const balances = await repo.balancesFor(executor, studentId, clock.now());
    return (
      balances[0]?.currency ??
      (await repo.defaultCurrencyFor(executor, studentId)) ??
      DEFAULT_CURRENCY
    );
  }

  async function balanceIn(executor: Executor, studentId: string, currency: string) {
    const balances = await repo.balancesFor(executor, studentId, clock.now());
    return balances.find((b) => b.currency === currency) ?? { balance: 0, pastDue: 0 };
  }

  async function sendReceipt(
    tx: Transaction<DB>,
    student: repo.StudentInfo,
    subject: string,
    lines: string[],
  ): Promise<void> {
    await mailer.enqueue(tx, {
      to: student.email,
      subject,
      text: [
        `Hello ${student.name},`,
        '',
        ...lines,
        '',
        `Your account: ${config.publicUrl}${ACCOUNT_PAGE_PATH}`,
      ].join('\n'),
    });
  }

  /** Credits a succeeded payment once: the unique index on the payment's ledger entry holds it. */
  async function completePayment(
    tx: Transaction<DB>,
    payment: PaymentRow,
    providerPaymentId: string | null,
    at: Date,
  ): Promise<boolean> {
    if (payment.status === 'succeeded') return false;
    await repo.updatePayment(tx, payment.id, {
      status: 'succeeded',
      provider_payment_id: providerPaymentId ?? payment.provider_payment_id,
      failure_reason: null,
      completed_at: at,
    });
    const amount = Number(payment.amount);
    const currency = payment.currency.trim();
    const how =
      payment.provider === 'offline'
        ? `${METHOD_LABELS[payment.method]}${payment.reference ? ` ${payment.reference}` : ''}`
        : payment.provider === 'test'
          ? 'card (test mode)'
          : 'card';
    await repo.insertLedgerEntries(tx, [
      {
        id: newId(),
        student_id: payment.student_id,
        term_id: null,
        kind: 'payment',
        amount: -amount,
        currency,
        description: `Payment received: ${how}`,
        posted_at: at,
        payment_id: payment.id,
        source_key: `payment:${payment.id}`,
        created_by: payment.created_by,
      },
    ]);
    const student = await requireStudent(tx, payment.student_id);
    const after = (await repo.balancesFor(tx, payment.student_id, at)).find(
      (b) => b.currency === currency,
    );
    // Pay-to-enrol: a payment that clears the balance confirms every seat held until paid.
    const confirmed =
      (after?.balance ?? 0) <= 0
        ? await confirmPendingPayments(tx, { studentId: payment.student_id, now: at })
        : [];
    // A past-due balance paid off lifts the financial hold billing placed for it.
    if ((after?.pastDue ?? 0) === 0) {
      await repo.liftSystemFinancialHolds(tx, payment.student_id, at, 'Past-due balance paid.');
    }
    await sendReceipt(tx, student, `Payment receipt: ${formatMoney(amount, currency)}`, [
      `We received your payment of ${formatMoney(amount, currency)} by ${how} on ${at.toISOString().slice(0, 10)}.`,
      `Receipt number: ${payment.id}`,
      `Your balance is now ${formatMoney(after?.balance ?? 0, currency)}.`,
      ...(confirmed.length > 0
        ? [
            `${confirmed.length} seat${confirmed.length === 1 ? '' : 's'} held for you until payment ${confirmed.length === 1 ? 'is' : 'are'} now confirmed.`,
          ]
        : []),
    ]);
    return true;
  }

  /** Posts a refund's debit and, for a card refund, counts it against its payment. */
  async function postRefund(
    tx: Transaction<DB>,
    refund: Parameters<typeof repo.insertRefund>[1],
    description: string,
  ): Promise<void> {
    await repo.insertRefund(tx, refund);
    await repo.insertLedgerEntries(tx, [
      {
        id: newId(),
        student_id: refund.student_id,
        term_id: null,
        kind: 'refund',
        amount: refund.amount,
        currency: refund.currency,
        description,
        posted_at: refund.created_at,
        refund_id: refund.id,
        payment_id: refund.payment_id,
        source_key: `refund:${refund.id}`,
        created_by: refund.created_by,
      },
    ]);
  }

  /** A refund the provider did not make: the money stays on the account, so credit it back. */
  async function failRefund(
    tx: Transaction<DB>,
    refund: RefundRow,
    reason: string,
    at: Date,
  ): Promise<void> {
    if (refund.status === 'failed') return;
    await repo.updateRefund(tx, refund.id, {
      status: 'failed',
      failure_reason: reason,
      completed_at: at,
    });
    if (refund.payment_id) {
      const payment = await repo.lockPayment(tx, refund.payment_id);
      if (payment) {
        await repo.updatePayment(tx, payment.id, {
          refunded_amount: Math.max(0, Number(payment.refunded_amount) - Number(refund.amount)),
        });
      }
    }
    await repo.insertLedgerEntries(tx, [
      {
        id: newId(),
        student_id: refund.student_id,
        term_id: null,
        kind: 'adjustment',
        amount: -Number(refund.amount),
        currency: refund.currency.trim(),
        description: `Refund not completed, credit restored: ${reason}`,
        posted_at: at,
        refund_id: refund.id,
        source_key: `refund:${refund.id}:failed`,
      },
    ]);
  }

  // ---- tuition setup

  async function getTuition(termId: string): Promise<TuitionSetup> {
    const term = await repo.findTerm(db, termId);
    if (!term) throw new NotFoundError('Term');
    const row = await repo.findTuition(db, termId);
    if (!row) throw new TuitionNotConfiguredError();
    const fees = await repo.listFees(db, termId);
    return {
      termId,
      currency: row.currency.trim(),
      perCreditAmount: Number(row.per_credit_amount),
      bands: row.bands,
      fees: fees.map((f) => ({
        id: f.id,
        scope: f.scope,
        courseId: f.course_id,
        sectionId: f.section_id,
        target: f.target,
        description: f.description,
        amount: Number(f.amount),
        refundable: f.refundable,
      })),
      refundSchedule: row.refund_schedule,
      dueDate: row.due_on,
      payToEnrol: row.pay_to_enrol,
      paymentHoldMinutes: row.payment_hold_minutes,
      financialHoldWhenOverdue: row.financial_hold_when_overdue,
      reminderDaysBefore: row.reminder_days_before,
      updatedAt: iso(row.updated_at),
    };
  }

  async function putTuition(
    termId: string,
    input: TuitionSetupInput,
    actorId: string,
  ): Promise<TuitionSetup> {
    const term = await repo.findTerm(db, termId);
    if (!term) throw new NotFoundError('Term');
    const bands = (input.bands ?? []).map((b) => ({
      minCredits: b.minCredits,
      maxCredits: b.maxCredits,
      amount: b.amount,
    }));
    const refundSchedule = (input.refundSchedule ?? []).map((s) => ({
      until: s.until,
      percent: s.percent,
    }));
    const problems: ProblemItem[] = checkTuitionRules({
      currency: input.currency,
      bands,
      refundSchedule,
    }).map((p) => ({ code: 'invalid', ...p }));
    const fees = input.fees ?? [];
    const seenIds = new Set<string>();
    fees.forEach((fee, index) => {
      const path = `body.fees.${index}`;
      if (fee.id !== undefined) {
        if (!isId(fee.id))
          problems.push({ code: 'invalid', path: `${path}.id`, message: 'is not a fee id' });
        else if (seenIds.has(fee.id))
          problems.push({ code: 'invalid', path: `${path}.id`, message: 'appears twice' });
        seenIds.add(fee.id);
      }
      if (fee.scope === 'course' && !fee.courseId)
        problems.push({
          code: 'required',
          path: `${path}.courseId`,
          message: 'a course fee names its course',
        });
      if (fee.scope === 'section' && !fee.sectionId)
        problems.push({
          code: 'required',
          path: `${path}.sectionId`,
          message: 'a section fee names its section',
        });
      if (fee.scope !== 'course' && fee.courseId)
        problems.push({
          code: 'invalid',
          path: `${path}.courseId`,
          message: `a ${fee.scope} fee has no course`,
        });
      if (fee.scope !== 'section' && fee.sectionId)
        problems.push({
          code: 'invalid',
          path: `${path}.sectionId`,
          message: `a ${fee.scope} fee has no section`,
        });
      if (fee.courseId && !isId(fee.courseId))
        problems.push({ code: 'invalid', path: `${path}.courseId`, message: 'is not a course id' });
      if (fee.sectionId && !isId(fee.sectionId))
        problems.push({
          code: 'invalid',
          path: `${path}.sectionId`,
          message: 'is not a section id',
        });
    });
    if (problems.length === 0) {
      const targets = await repo.findFeeTargets(
        db,
        termId,
        fees.flatMap((f) => (f.courseId ? [f.courseId] : [])),
        fees.flatMap((f) => (f.sectionId ? [f.sectionId] : [])),
      );
      fees.forEach((fee, index) => {
        if (fee.courseId && !targets.courses.has(fee.courseId))
          problems.push({
            code: 'not_found',
            path: `body.fees.${index}.courseId`,
            message: 'no such course',
          });
        if (fee.sectionId && !targets.sections.has(fee.sectionId))
          problems.push({
            code: 'not_found',
            path: `body.fees.${index}.sectionId`,
            message: 'no such section in this term',
          });
      });
    }
    if (problems.length > 0) throw new InvalidTuitionSetupError(problems);

    await db.transaction().execute(async (tx) => {
      await repo.upsertTuition(tx, {
        term_id: termId,
        currency: input.currency,
        per_credit_amount: input.perCreditAmount,
        bands: JSON.stringify([...bands].sort((a, b) => a.minCredits - b.minCredits)),
        refund_schedule: JSON.stringify(refundSchedule),
        due_on: input.dueDate ?? null,
        pay_to_enrol: input.payToEnrol ?? false,
        payment_hold_minutes: input.paymentHoldMinutes ?? 30,
        financial_hold_when_overdue: input.financialHoldWhenOverdue ?? false,
        reminder_days_before: [...new Set(input.reminderDaysBefore ?? [7, 1])].sort(
          (a, b) => b - a,
        ),
        updated_by: actorId,
        updated_at: clock.now(),
      });
      await repo.replaceFees(
        tx,
        termId,
        fees.map((fee, position) => ({
          id: fee.id ?? newId(),
          scope: fee.scope,
          course_id: fee.courseId ?? null,
          section_id: fee.sectionId ?? null,
          description: fee.description,
          amount: fee.amount,
          refundable: fee.refundable ?? true,
          position,
        })),
      );
    });
    return getTuition(termId);
  }

  // ---- account, ledger, statement

  async function account(studentId: string): Promise<Account> {
    const student = await requireStudent(db, studentId);
    const now = clock.now();
    const [balances, terms, held] = await Promise.all([
      repo.balancesFor(db, studentId, now),
      repo.termAccounts(db, studentId),
      repo.listHeldSeats(db, studentId),
    ]);
    const currency =
      balances[0]?.currency ?? (await repo.defaultCurrencyFor(db, studentId)) ?? DEFAULT_CURRENCY;
    const main = balances.find((b) => b.currency === currency);
    const today = now.toISOString().slice(0, 10);
    const upcoming = terms
      .filter((t) => t.dueDate !== null && t.dueDate >= today && t.net > 0)
      .map((t) => t.dueDate!)
      .sort();
    return {
      studentId,
      student,
      currency,
      balance: main?.balance ?? 0,
      pastDue: main?.pastDue ?? 0,
      balances: balances.map((b) => ({
        currency: b.currency,
        balance: b.balance,
        pastDue: b.pastDue,
      })),
      terms,
      nextDueDate: upcoming[0] ?? null,
      heldSeats: held.map((h) => ({
        registrationId: h.registrationId,
        sectionId: h.sectionId,
        code: h.code,
        expiresAt: h.expiresAt ? iso(h.expiresAt) : null,
      })),
      testMode: provider.name === 'test',
    };
  }

  async function ledger(
    studentId: string,
    query: { limit?: number; cursor?: string; termId?: string },
  ): Promise<LedgerPage> {
    await requireStudent(db, studentId);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const rows = await repo.listLedger(db, studentId, {
      order: 'desc',
      limit: limit + 1,
      ...(after ? { after } : {}),
      ...(query.termId ? { termId: query.termId } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toLedgerEntry),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ postedAt: iso(last.posted_at), id: last.id })
          : null,
    };
  }

  async function statement(
    studentId: string,
    range: { from?: string; to?: string },
  ): Promise<Statement> {
    const student = await requireStudent(db, studentId);
    const now = clock.now();
    const currency = await primaryCurrency(db, studentId);
    const from = range.from ? new Date(`${range.from}T00:00:00Z`) : undefined;
    const to = range.to ? new Date(`${daysBefore(range.to, -1)}T00:00:00Z`) : undefined;
    const [rows, opening, balances, terms] = await Promise.all([
      repo.listLedger(db, studentId, {
        order: 'asc',
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      }),
      from ? repo.sumLedgerBefore(db, studentId, currency, from) : Promise.resolve(0),
      repo.balancesFor(db, studentId, now),
      repo.termAccounts(db, studentId),
    ]);
    const entries = rows.filter((r) => r.currency === currency).map(toLedgerEntry);
    const last = entries[entries.length - 1];
    return {
      student: { id: student.id, name: student.name, studentNumber: student.studentNumber },
      generatedAt: now.toISOString(),
      from: range.from ?? null,
      to: range.to ?? null,
      currency,
      openingBalance: opening,
      closingBalance: last ? last.balanceAfter : opening,
      pastDue: balances.find((b) => b.currency === currency)?.pastDue ?? 0,
      entries,
      terms,
    };
  }

  async function balances(query: {
    q?: string;
    pastDue?: boolean;
    limit?: number;
    cursor?: string;
  }): Promise<BalancesPage> {
    const limit = query.limit ?? 50;
    let after: { name: string; id: string } | undefined;
    if (query.cursor) {
      const decoded = decodeCursor(query.cursor);
      after = decoded && { name: decoded.postedAt, id: decoded.id };
    }
    const rows = await repo.listStudentBalances(db, {
      ...(query.q ? { q: query.q } : {}),
      pastDueOnly: query.pastDue ?? false,
      limit: limit + 1,
      ...(after ? { after } : {}),
      now: clock.now(),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page,
      // The name stands where a ledger cursor has its instant; both are opaque to clients.
      nextCursor:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.name, last.studentId])).toString('base64url')
          : null,
    };
  }

  // ---- payments

  /**
   * Opens the provider's checkout for a pending payment that has none yet. When the request that
   * created the payment cannot reach the provider, the payment is marked failed and its key
   * released, so a retry with the same Idempotency-Key starts afresh instead of replaying a 502
   * (Stripe itself keeps an error under its idempotency key, so the old payment could not recover).
   */
  async function ensureCheckout(
    payment: PaymentRow,
    student: repo.StudentInfo,
    createdHere: boolean,
  ): Promise<PaymentRow> {
    if (payment.checkout_session_id || payment.status !== 'pending') return payment;
    let session;
    try {
      session = await provider.createCheckout({
        paymentId: payment.id,
        studentId: payment.student_id,
        amount: Number(payment.amount),
        currency: payment.currency.trim(),
        description: `Student account payment — ${student.name} (${student.studentNumber})`,
        customerEmail: student.email,
        successUrl: accountUrl(payment.id, 'success'),
        cancelUrl: accountUrl(payment.id, 'cancelled'),
      });
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      if (createdHere) await repo.abandonPayment(db, payment.id, error.message, clock.now());
      throw new PaymentProviderUnavailableError(error);
    }
    await repo.attachCheckout(db, payment.id, session);
    const stored = await repo.findPayment(db, payment.id);
    if (!stored) throw new PaymentNotFoundError();
    return stored;
  }

  /**
   * Starts an online payment. With an Idempotency-Key, the first request creates the payment and
   * its checkout; a retry with the same body gets that payment back, and a retry with another
   * body is refused. The unique (actor, key) index settles concurrent retries.
   */
  async function createOnlinePayment(
    studentId: string,
    input: OnlinePaymentInput,
    context: RequestContext,
  ): Promise<Payment> {
    const student = await requireStudent(db, studentId);
    const hash = requestHash({ amount: input.amount, currency: input.currency ?? null });
    const replay = async (): Promise<Payment | undefined> => {
      if (!context.idempotencyKey) return undefined;
      const existing = await repo.findPaymentByKey(db, context.actorId, context.idempotencyKey);
      if (!existing) return undefined;
      if (existing.request_hash !== hash || existing.student_id !== studentId)
        throw new IdempotencyKeyReusedError();
      // Another request with this key may still be opening the checkout; this one helps.
      return toPayment(await ensureCheckout(existing, student, false));
    };
    const earlier = await replay();
    if (earlier) return earlier;

    const currency = input.currency ?? (await primaryCurrency(db, studentId));
    const { balance } = await balanceIn(db, studentId, currency);
    if (balance <= 0) {
      const other = (await repo.balancesFor(db, studentId, clock.now())).find((b) => b.balance > 0);
      if (input.currency && other) throw new CurrencyMismatchError(other.currency, input.currency);
      throw new NothingToPayError();
    }
    if (input.amount > balance)
      throw new PaymentExceedsBalanceError(formatMoney(balance, currency));

    const id = newId();
    const inserted = await repo.insertPaymentUnlessKeyUsed(db, {
      id,
      student_id: studentId,
      amount: input.amount,
      currency,
      method: 'card',
      provider: provider.name,
      status: 'pending',
      reference: null,
      note: null,
      idempotency_key: context.idempotencyKey ?? null,
      request_hash: context.idempotencyKey ? hash : null,
      created_by: context.actorId,
      created_at: clock.now(),
      completed_at: null,
    });
    if (!inserted) {
      // A concurrent request with the same key won the insert.
      const winner = await replay();
      if (winner) return winner;
    }
    const payment = await repo.findPayment(db, id);
    if (!payment) throw new PaymentNotFoundError();
    return toPayment(await ensureCheckout(payment, student, true));
  }

  async function getPayment(paymentId: string, studentId?: string): Promise<Payment> {
    const payment = await repo.findPayment(db, paymentId);
    if (!payment || (studentId !== undefined && payment.student_id !== studentId))
      throw new PaymentNotFoundError();
    return toPayment(payment);
  }

  async function listPayments(studentId: string): Promise<PaymentList> {
    await requireStudent(db, studentId);
    const [payments, refunds] = await Promise.all([
      repo.listPayments(db, studentId),
      repo.listRefunds(db, studentId),
    ]);
    return { items: payments.map(toPayment), refunds: refunds.map(toRefund) };
  }

  async function recordOfflinePayment(
    studentId: string,
    input: OfflinePaymentInput,
    context: RequestContext,
  ): Promise<Payment> {
    await requireStudent(db, studentId);
    const currency = input.currency ?? (await primaryCurrency(db, studentId));
    const hash = requestHash({ studentId, ...input, currency: input.currency ?? null });
    const receivedAt = input.receivedAt ? new Date(input.receivedAt) : clock.now();
    const id = newId();
    const payment = await db.transaction().execute(async (tx) => {
      const inserted = await repo.insertPaymentUnlessKeyUsed(tx, {
        id,
        student_id: studentId,
        amount: input.amount,
        currency,
        method: input.method,
        provider: 'offline',
        status: 'pending',
        reference: input.reference ?? null,
        note: input.note ?? null,
        idempotency_key: context.idempotencyKey ?? null,
        request_hash: context.idempotencyKey ? hash : null,
        created_by: context.actorId,
        created_at: clock.now(),
        completed_at: null,
      });
      if (!inserted) {
        const existing = await repo.findPaymentByKey(tx, context.actorId, context.idempotencyKey!);
        if (!existing || existing.request_hash !== hash) throw new IdempotencyKeyReusedError();
        return existing;
      }
      const row = await repo.lockPayment(tx, id);
      await completePayment(tx, row!, null, receivedAt);
      return (await repo.findPayment(tx, id))!;
    });
    return toPayment(payment);
  }

  // ---- the test provider's checkout

  async function testCheckoutPage(sessionId: string): Promise<string> {
    if (provider.name !== 'test') throw new CheckoutNotFoundError();
    const payment = await repo.findPaymentBySession(db, sessionId);
    if (!payment) throw new CheckoutNotFoundError();
    const student = await requireStudent(db, payment.student_id);
    return testCheckoutHtml(
      {
        sessionId,
        studentName: student.name,
        amount: Number(payment.amount),
        currency: payment.currency.trim(),
        status: payment.status,
        returnUrl: accountPath(
          payment.id,
          payment.status === 'succeeded' ? 'success' : 'cancelled',
        ),
      },
      `${TEST_CHECKOUT_PATH}/${sessionId}`,
    );
  }

  /** The test page's buttons: succeed credits the account, decline fails the payment. */
  async function completeTestCheckout(
    sessionId: string,
    outcome: 'succeed' | 'decline',
  ): Promise<string> {
    if (provider.name !== 'test') throw new CheckoutNotFoundError();
    const at = clock.now();
    const payment = await db.transaction().execute(async (tx) => {
      const row = await repo.lockPaymentBySession(tx, sessionId);
      if (!row) throw new CheckoutNotFoundError();
      if (row.status !== 'pending') return row;
      if (outcome === 'succeed') {
        await completePayment(tx, row, newTestPaymentIntentId(), at);
        return { ...row, status: 'succeeded' as const };
      }
      await repo.updatePayment(tx, row.id, {
        status: 'failed',
        failure_reason: 'The card was declined (test mode).',
        completed_at: at,
      });
      return { ...row, status: 'failed' as const };
    });
    // A path: the browser returns to the origin it paid from.
    return accountPath(payment.id, payment.status === 'succeeded' ? 'success' : 'declined');
  }

  // ---- Stripe webhooks

  function paymentIntentId(value: string | { id: string } | null): string | null {
    if (value === null) return null;
    return typeof value === 'string' ? value : value.id;
  }

  async function lockPaymentForSession(
    tx: Transaction<DB>,
    session: Stripe.Checkout.Session,
  ): Promise<PaymentRow | undefined> {
    const bySession = await repo.lockPaymentBySession(tx, session.id);
    if (bySession) return bySession;
    const ref = session.client_reference_id ?? session.metadata?.paymentId;
    return ref && isId(ref) ? repo.lockPayment(tx, ref) : undefined;
  }

  async function handleStripeEvent(tx: Transaction<DB>, event: Stripe.Event): Promise<void> {
    const at = clock.now();
    // Other event types are stored (for the record) and otherwise ignored.
    if (
      event.type === 'checkout.session.completed' ||
      event.type === 'checkout.session.async_payment_succeeded'
    ) {
      const session = event.data.object;
      // An async method (a bank debit) completes unpaid and settles with async_payment_succeeded.
      if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required')
        return;
      const payment = await lockPaymentForSession(tx, session);
      if (payment) await completePayment(tx, payment, paymentIntentId(session.payment_intent), at);
    } else if (
      event.type === 'checkout.session.async_payment_failed' ||
      event.type === 'checkout.session.expired'
    ) {
      const payment = await lockPaymentForSession(tx, event.data.object);
      if (!payment || payment.status !== 'pending') return;
      const expired = event.type === 'checkout.session.expired';
      await repo.updatePayment(tx, payment.id, {
        status: expired ? 'expired' : 'failed',
        failure_reason: expired ? 'The checkout expired before payment.' : 'The payment failed.',
        completed_at: at,
      });
    } else if (event.type === 'payment_intent.payment_failed') {
      // Checkout lets the student try another card, so the payment stays pending; keep the reason.
      const intent = event.data.object;
      const ref = intent.metadata?.paymentId;
      const payment = ref && isId(ref) ? await repo.lockPayment(tx, ref) : undefined;
      if (!payment || payment.status !== 'pending') return;
      await repo.updatePayment(tx, payment.id, {
        failure_reason: intent.last_payment_error?.message ?? 'The card was declined.',
      });
    } else if (event.type === 'charge.refunded') {
      // Cumulative at Stripe; refunds issued here were counted when they were made, so only a
      // refund made elsewhere (the Stripe dashboard) leaves a difference to record.
      const charge = event.data.object;
      const intentId = paymentIntentId(charge.payment_intent);
      const payment = intentId ? await repo.lockPaymentByProviderId(tx, intentId) : undefined;
      if (!payment) return;
      const difference = charge.amount_refunded - Number(payment.refunded_amount);
      if (difference <= 0) return;
      await repo.updatePayment(tx, payment.id, {
        refunded_amount: Number(payment.refunded_amount) + difference,
      });
      await postRefund(
        tx,
        {
          id: newId(),
          student_id: payment.student_id,
          payment_id: payment.id,
          amount: difference,
          currency: payment.currency.trim(),
          method: 'card',
          provider: 'stripe',
          status: 'succeeded',
          origin: 'provider',
          reason: 'Refunded at Stripe',
          idempotency_key: null,
          request_hash: null,
          batch_position: 0,
          created_by: null,
          created_at: at,
          completed_at: at,
        },
        'Refund to card (made at Stripe)',
      );
    } else if (event.type === 'refund.failed' || event.type === 'refund.updated') {
      const stripeRefund = event.data.object;
      if (stripeRefund.status !== 'failed' && stripeRefund.status !== 'canceled') return;
      const refund = await repo.lockRefundByProviderId(tx, stripeRefund.id);
      if (refund)
        await failRefund(
          tx,
          refund,
          stripeRefund.failure_reason ?? 'refused by the card issuer',
          at,
        );
    }
  }

  /** Verifies, stores the event id (a replay stops here) and applies it, in one transaction. */
  async function handleStripeWebhook(
    rawBody: Buffer,
    signature: string | undefined,
  ): Promise<{ duplicate: boolean }> {
    if (!stripe) throw new StripeNotConfiguredError();
    let event: Stripe.Event;
    try {
      if (!signature) throw new InvalidWebhookSignatureError();
      event = stripe.constructEvent(rawBody, signature);
    } catch {
      throw new InvalidWebhookSignatureError();
    }
    return db.transaction().execute(async (tx) => {
      const isNew = await repo.recordProviderEvent(tx, {
        id: event.id,
        provider: 'stripe',
        type: event.type,
        payload: event,
      });
      if (!isNew) return { duplicate: true };
      await handleStripeEvent(tx, event);
      return { duplicate: false };
    });
  }

  // ---- refunds and adjustments

  /**
   * Gives back part or all of a credit balance. `original` sends it to the card payments it came
   * from (newest first) and any rest by check. The refund entries are posted before the provider
   * is called, under the student's account lock, so two refunds can never both spend one credit;
   * a provider failure posts the credit back.
   */
  async function refundCredit(
    studentId: string,
    input: RefundInput,
    context: RequestContext,
  ): Promise<Refund[]> {
    const student = await requireStudent(db, studentId);
    const method = input.method ?? 'original';
    const hash = requestHash({ studentId, ...input, method, currency: input.currency ?? null });
    const replay = async (executor: Executor): Promise<RefundRow[] | undefined> => {
      if (!context.idempotencyKey) return undefined;
      const rows = await repo.findRefundsByKey(executor, context.actorId, context.idempotencyKey);
      if (rows.length === 0) return undefined;
      if (rows[0]!.request_hash !== hash) throw new IdempotencyKeyReusedError();
      return rows;
    };
    const earlier = await replay(db);
    if (earlier) return earlier.map(toRefund);

    const currency = input.currency ?? (await primaryCurrency(db, studentId));
    const at = clock.now();
    const created = await db.transaction().execute(async (tx) => {
      await repo.lockStudentAccount(tx, studentId);
      const concurrent = await replay(tx);
      if (concurrent) return { fresh: false as const, rows: concurrent };
      const { balance } = await balanceIn(tx, studentId, currency);
      const credit = Math.max(0, -balance);
      if (input.amount > credit) throw new RefundExceedsCreditError(formatMoney(credit, currency));

      const plan: Array<{ payment: PaymentRow | null; amount: number; method: PaymentMethod }> = [];
      let remaining = input.amount;
      if (method === 'original') {
        for (const payment of await repo.lockRefundablePayments(tx, studentId, currency)) {
          if (remaining === 0) break;
          if (payment.provider !== provider.name) continue;
          const take = Math.min(
            remaining,
            Number(payment.amount) - Number(payment.refunded_amount),
          );
          plan.push({ payment, amount: take, method: 'card' });
          remaining -= take;
        }
      }
      if (remaining > 0) {
        plan.push({
          payment: null,
          amount: remaining,
          method: method === 'original' ? 'check' : method,
        });
      }
      const rows: Array<Parameters<typeof repo.insertRefund>[1]> = [];
      for (const [position, step] of plan.entries()) {
        const row = {
          id: newId(),
          student_id: studentId,
          payment_id: step.payment?.id ?? null,
          amount: step.amount,
          currency,
          method: step.method,
          provider: step.payment ? step.payment.provider : ('offline' as const),
          status: step.payment ? ('pending' as const) : ('succeeded' as const),
          origin: 'staff' as const,
          reason: input.reason ?? null,
          idempotency_key: context.idempotencyKey ?? null,
          request_hash: context.idempotencyKey ? hash : null,
          batch_position: position,
          created_by: context.actorId,
          created_at: at,
          completed_at: step.payment ? null : at,
        };
        if (step.payment) {
          await repo.updatePayment(tx, step.payment.id, {
            refunded_amount: Number(step.payment.refunded_amount) + step.amount,
          });
        }
        await postRefund(
          tx,
          row,
          step.payment
            ? `Refund to card${input.reason ? `: ${input.reason}` : ''}`
            : `Refund by ${METHOD_LABELS[step.method]}${input.reason ? `: ${input.reason}` : ''}`,
        );
        rows.push(row);
      }
      await sendReceipt(tx, student, `Refund issued: ${formatMoney(input.amount, currency)}`, [
        `A refund of ${formatMoney(input.amount, currency)} from your account credit has been issued:`,
        ...plan.map(
          (step) =>
            `- ${formatMoney(step.amount, currency)} ${step.payment ? 'to the card you paid with' : `by ${METHOD_LABELS[step.method]}`}`,
        ),
      ]);
      return { fresh: true as const, ids: rows.map((r) => r.id) };
    });
    if (!created.fresh) return created.rows.map(toRefund);

    for (const refundId of created.ids) {
      const refund = await repo.findRefund(db, refundId);
      if (!refund) continue;
      if (refund.provider === 'offline' || refund.status !== 'pending' || !refund.payment_id)
        continue;
      const payment = await repo.findPayment(db, refund.payment_id);
      try {
        const result = await provider.refund({
          refundId: refund.id,
          providerPaymentId: payment!.provider_payment_id!,
          amount: Number(refund.amount),
          currency,
        });
        await db.transaction().execute(async (tx) => {
          if (result.status === 'failed') {
            await repo.updateRefund(tx, refund.id, { provider_refund_id: result.providerRefundId });
            await failRefund(
              tx,
              refund,
              result.failureReason ?? 'refused by the provider',
              clock.now(),
            );
          } else {
            await repo.updateRefund(tx, refund.id, {
              provider_refund_id: result.providerRefundId,
              status: 'succeeded',
              completed_at: clock.now(),
            });
          }
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await db.transaction().execute((tx) => failRefund(tx, refund, reason, clock.now()));
      }
    }
    const final = await Promise.all(created.ids.map((id) => repo.findRefund(db, id)));
    return final.filter((r): r is RefundRow => r !== undefined).map(toRefund);
  }

  async function postAdjustment(
    studentId: string,
    input: AdjustmentInput,
    actorId: string,
  ): Promise<LedgerEntry> {
    await requireStudent(db, studentId);
    if (input.termId && !(await repo.findTerm(db, input.termId))) throw new NotFoundError('Term');
    const currency = input.currency ?? (await primaryCurrency(db, studentId));
    const id = newId();
    await repo.insertLedgerEntries(db, [
      {
        id,
        student_id: studentId,
        term_id: input.termId ?? null,
        kind: 'adjustment',
        amount: input.amount,
        currency,
        description: input.description,
        posted_at: clock.now(),
        created_by: actorId,
      },
    ]);
    const rows = await repo.listLedger(db, studentId, { order: 'desc', limit: 1 });
    const entry = rows.find((r) => r.id === id);
    if (!entry) throw new NotFoundError('Ledger entry');
    return toLedgerEntry(entry);
  }

  // ---- daily reminders and overdue notices

  /**
   * Sends each due-date reminder once (per term and lead time, the nearest lead time reached)
   * and one overdue notice per missed due date. Safe to run any number of times.
   */
  async function runDailyBilling(now: Date): Promise<{ reminders: number; overdue: number }> {
    let reminders = 0;
    for (const candidate of await repo.listReminderCandidates(db, now)) {
      const owed = Math.min(candidate.termDue, candidate.balance);
      if (owed <= 0) continue;
      const today = localDate(now, candidate.timeZone);
      const reached = candidate.reminderDaysBefore
        .filter((days) => daysBefore(candidate.dueDate, days) <= today)
        .sort((a, b) => a - b)[0];
      if (reached === undefined) continue;
      const sent = await db.transaction().execute(async (tx) => {
        const first = await repo.claimNotice(tx, {
          studentId: candidate.studentId,
          kind: 'due_reminder',
          key: `${candidate.termId}:${reached}`,
          at: now,
        });
        if (!first) return false;
        const left = Math.round(
          (Date.parse(`${candidate.dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) /
            86_400_000,
        );
        await mailer.enqueue(tx, {
          to: candidate.email,
          subject: `Payment reminder: ${formatMoney(owed, candidate.currency)} due ${candidate.dueDate}`,
          text: [
            `Hello ${candidate.name},`,
            '',
            `${formatMoney(owed, candidate.currency)} for ${candidate.termName} is due on ${candidate.dueDate}` +
              (left === 0 ? ' (today).' : ` (in ${left} day${left === 1 ? '' : 's'}).`),
            `Pay online: ${config.publicUrl}${ACCOUNT_PAGE_PATH}`,
          ].join('\n'),
        });
        return true;
      });
      if (sent) reminders += 1;
    }
    let overdue = 0;
    for (const candidate of await repo.listOverdueForHolds(db, now)) {
      const noticed = await db.transaction().execute(async (tx) => {
        const first = await repo.claimNotice(tx, {
          studentId: candidate.studentId,
          kind: 'overdue',
          key: `${candidate.currency}:${candidate.lastMissedDueDate}`,
          at: now,
        });
        if (!first) return false;
        // The term asks for a financial hold when overdue; payment lifts it (completePayment).
        if (!(await repo.hasSystemFinancialHold(tx, candidate.studentId))) {
          await repo.placeSystemFinancialHold(tx, {
            id: newId(),
            studentId: candidate.studentId,
            reason: `Past-due balance of ${formatMoney(candidate.pastDue, candidate.currency)} (due ${candidate.lastMissedDueDate}). Paying it lifts this hold; the bursar's office can help.`,
            at: now,
          });
        }
        await mailer.enqueue(tx, {
          to: candidate.email,
          subject: `Your account is past due: ${formatMoney(candidate.pastDue, candidate.currency)}`,
          text: [
            `Hello ${candidate.name},`,
            '',
            `${formatMoney(candidate.pastDue, candidate.currency)} on your account is past due (due ${candidate.lastMissedDueDate}).`,
            'A financial hold now blocks registration changes until it is paid.',
            `Pay online: ${config.publicUrl}${ACCOUNT_PAGE_PATH}`,
          ].join('\n'),
        });
        return true;
      });
      if (noticed) overdue += 1;
    }
    return { reminders, overdue };
  }

  /** The job: once per UTC day whoever runs it, then it books the next day's run. */
  async function runDailyJob(): Promise<void> {
    const now = clock.now();
    const day = now.toISOString().slice(0, 10);
    if (!(await repo.claimDailyRun(db, DAILY_JOB, day))) return;
    await runDailyBilling(now);
    await scheduleNextDailyRun(now);
  }

  async function scheduleNextDailyRun(now: Date): Promise<void> {
    const next = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, DAILY_RUN_UTC_HOUR),
    );
    await deps.jobs.send(db, DAILY_JOB, {}, { startAfter: next });
  }

  return {
    provider,
    getTuition,
    putTuition,
    account,
    ledger,
    statement,
    balances,
    createOnlinePayment,
    getPayment,
    listPayments,
    recordOfflinePayment,
    refundCredit,
    postAdjustment,
    testCheckoutPage,
    completeTestCheckout,
    handleStripeWebhook,
    runDailyBilling,
    runDailyJob,
  };
}

// ---- charges posted by the registration transaction

/** One registration's section as the pricing needs it. */
export interface ChargedSection {
  id: string;
  courseId: string;
  credits: number;
  /** e.g. "CS 225 AL1", for the entry descriptions. */
  code: string;
}

export interface RegistrationChange {
  studentId: string;
  termId: string;
  registrationId: string;
  section: ChargedSection;
  /**
   * The student's load in the term before this change: every registration that is enrolled or
   * holding a seat until paid. For a drop it includes the section being dropped.
   */
  load: readonly LoadItem[];
  /** Whoever made the change (the student, an advisor, staff); null for jobs. */
  actorId?: string | null;
  /**
   * Makes the entries' source keys unique per change. Needed only if one registration id can be
   * added (or dropped) more than once; defaults to the registration id alone.
   */
  eventKey?: string;
}

export interface DropOptions {
  /** 'withdrawn' after the add/drop deadline; 'released' for an unpaid pay-to-enrol hold. */
  reason?: 'dropped' | 'withdrawn' | 'released' | 'cancelled';
  /** Overrides the schedule: 100 for a released hold or a section the institution cancelled. */
  refundPercent?: number;
}

function asLoadItem(section: ChargedSection): LoadItem {
  return { sectionId: section.id, courseId: section.courseId, credits: section.credits };
}

function toEntries(
  facts: BillingFacts,
  lines: ReturnType<typeof priceLoadChange>,
  base: {
    studentId: string;
    registrationId: string;
    sourcePrefix: string;
    actorId: string | null;
    at: Date;
  },
): NewLedgerEntry[] {
  return lines.map((line) => ({
    id: newId(),
    student_id: base.studentId,
    term_id: facts.termId,
    kind: line.kind,
    amount: line.amount,
    currency: facts.rules.currency,
    description: line.description,
    posted_at: base.at,
    registration_id: base.registrationId,
    section_id: line.sectionId,
    fee_id: line.feeId,
    source_key: `${base.sourcePrefix}:${line.component}`,
    created_by: base.actorId,
  }));
}

/** Pure: the entries for enrolling (or holding a seat until paid) in one more section. */
export function chargesForAdd(
  facts: BillingFacts | undefined,
  change: RegistrationChange,
  at: Date,
): NewLedgerEntry[] {
  if (!facts) return [];
  const before = change.load.filter((i) => i.sectionId !== change.section.id);
  const lines = priceLoadChange(facts.rules, {
    before,
    after: [...before, asLoadItem(change.section)],
    refundPercent: 100,
    summary: `${change.section.code} added`,
  });
  return toEntries(facts, lines, {
    studentId: change.studentId,
    registrationId: change.registrationId,
    sourcePrefix: `reg:${change.registrationId}:add${change.eventKey ? `:${change.eventKey}` : ''}`,
    actorId: change.actorId ?? null,
    at,
  });
}

/** Pure: the entries for leaving a section, by the term's refund schedule unless overridden. */
export function chargesForDrop(
  facts: BillingFacts | undefined,
  change: RegistrationChange,
  at: Date,
  options: DropOptions = {},
): NewLedgerEntry[] {
  if (!facts) return [];
  const reason = options.reason ?? 'dropped';
  const percent =
    options.refundPercent ?? refundPercentAt(facts.rules.refundSchedule, at, facts.timeZone);
  const before = change.load.some((i) => i.sectionId === change.section.id)
    ? [...change.load]
    : [...change.load, asLoadItem(change.section)];
  const lines = priceLoadChange(facts.rules, {
    before,
    after: before.filter((i) => i.sectionId !== change.section.id),
    refundPercent: percent,
    summary:
      reason === 'released'
        ? `${change.section.code} seat released (not paid in time)`
        : `${change.section.code} ${reason}`,
  });
  return toEntries(facts, lines, {
    studentId: change.studentId,
    registrationId: change.registrationId,
    sourcePrefix: `reg:${change.registrationId}:drop${change.eventKey ? `:${change.eventKey}` : ''}`,
    actorId: change.actorId ?? null,
    at,
  });
}

export interface SwapChange {
  studentId: string;
  termId: string;
  drop: { registrationId: string; section: ChargedSection };
  add: { registrationId: string; section: ChargedSection };
  /** The load before the swap, including the section being dropped. */
  load: readonly LoadItem[];
  actorId?: string | null;
}

/** Pure: a swap priced as one move, so an even exchange posts nothing. */
export function chargesForSwap(
  facts: BillingFacts | undefined,
  change: SwapChange,
  at: Date,
): NewLedgerEntry[] {
  if (!facts) return [];
  const before = change.load.some((i) => i.sectionId === change.drop.section.id)
    ? [...change.load]
    : [...change.load, asLoadItem(change.drop.section)];
  const after = [
    ...before.filter((i) => i.sectionId !== change.drop.section.id),
    asLoadItem(change.add.section),
  ];
  const lines = priceLoadChange(facts.rules, {
    before,
    after,
    refundPercent: refundPercentAt(facts.rules.refundSchedule, at, facts.timeZone),
    summary: `${change.drop.section.code} swapped for ${change.add.section.code}`,
  });
  return toEntries(facts, lines, {
    studentId: change.studentId,
    registrationId: change.add.registrationId,
    sourcePrefix: `swap:${change.drop.registrationId}:${change.add.registrationId}`,
    actorId: change.actorId ?? null,
    at,
  });
}

export interface PostedCharges {
  entries: NewLedgerEntry[];
  /** Sum of the entries (positive: the student owes more). */
  total: number;
  /** Set when the term requires payment to keep the seat. */
  payToEnrol: { holdMinutes: number } | null;
}

function posted(facts: BillingFacts | undefined, entries: NewLedgerEntry[]): PostedCharges {
  return {
    entries,
    total: entries.reduce((sum, e) => sum + e.amount, 0),
    payToEnrol: facts?.payToEnrol ? { holdMinutes: facts.paymentHoldMinutes } : null,
  };
}

function factsInput(termId: string, sections: ChargedSection[], load: readonly LoadItem[]) {
  return { termId, sectionIds: [...sections.map((s) => s.id), ...load.map((i) => i.sectionId)] };
}

/**
 * Posts the charges of an add in the caller's transaction: two round trips (the facts, one
 * INSERT), none written when the term has no tuition setup.
 */
export async function postChargesForRegistration(
  tx: Executor,
  change: RegistrationChange,
  at: Date,
): Promise<PostedCharges> {
  const facts = await repo.loadBillingFacts(
    tx,
    factsInput(change.termId, [change.section], change.load),
  );
  const entries = chargesForAdd(facts, change, at);
  await repo.insertLedgerEntries(tx, entries);
  return posted(facts, entries);
}

/** Posts the reversal of a drop (or withdrawal, or released hold) in the caller's transaction. */
export async function reverseChargesForDrop(
  tx: Executor,
  change: RegistrationChange,
  at: Date,
  options: DropOptions = {},
): Promise<PostedCharges> {
  const facts = await repo.loadBillingFacts(
    tx,
    factsInput(change.termId, [change.section], change.load),
  );
  const entries = chargesForDrop(facts, change, at, options);
  await repo.insertLedgerEntries(tx, entries);
  return posted(facts, entries);
}

/** Posts the net of a swap in the caller's transaction. */
export async function postChargesForSwap(
  tx: Executor,
  change: SwapChange,
  at: Date,
): Promise<PostedCharges> {
  const facts = await repo.loadBillingFacts(
    tx,
    factsInput(change.termId, [change.drop.section, change.add.section], change.load),
  );
  const entries = chargesForSwap(facts, change, at);
  await repo.insertLedgerEntries(tx, entries);
  return posted(facts, entries);
}

export {
  billingFactsJsonSql,
  insertLedgerEntries,
  insertLedgerEntriesQuery,
  loadBillingFacts,
  parseBillingFacts,
} from './billing.repo.ts';
export type { BillingFacts, NewLedgerEntry } from './billing.repo.ts';
export type { LoadItem } from './billing.ledger.ts';

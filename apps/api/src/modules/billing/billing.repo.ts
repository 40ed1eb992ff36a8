// The only place billing touches Kysely. Every function takes the executor first, so callers
// decide which transaction it runs in.
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type {
  LedgerEntriesTable,
  LedgerKind,
  PaymentsTable,
  RefundsTable,
  TermFeesTable,
  TermTuitionTable,
} from '../../db/tables/billing.ts';
import type { FeeRule, TuitionRules } from './billing.ledger.ts';

export type Executor = Kysely<DB> | Transaction<DB>;
export type PaymentRow = Selectable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type TuitionRow = Selectable<TermTuitionTable>;
export type FeeRow = Selectable<TermFeesTable>;
export type LedgerRow = Selectable<LedgerEntriesTable> & { balance_after: number };

export interface NewLedgerEntry {
  id: string;
  student_id: string;
  term_id: string | null;
  kind: LedgerKind;
  amount: number;
  currency: string;
  description: string;
  posted_at: Date;
  registration_id?: string | null;
  section_id?: string | null;
  fee_id?: string | null;
  payment_id?: string | null;
  refund_id?: string | null;
  source_key?: string | null;
  created_by?: string | null;
}

// ---- terms, students

export interface TermInfo {
  id: string;
  code: string;
  name: string;
  timeZone: string;
}

export async function findTerm(db: Executor, termId: string): Promise<TermInfo | undefined> {
  const row = await db
    .selectFrom('terms')
    .select(['id', 'code', 'name', 'time_zone'])
    .where('id', '=', termId)
    .executeTakeFirst();
  return row && { id: row.id, code: row.code, name: row.name, timeZone: row.time_zone };
}

export interface StudentInfo {
  id: string;
  name: string;
  email: string;
  studentNumber: string;
}

export async function findStudent(
  db: Executor,
  studentId: string,
): Promise<StudentInfo | undefined> {
  const row = await db
    .selectFrom('students')
    .innerJoin('users', 'users.id', 'students.user_id')
    .select(['users.id', 'users.name', 'users.email', 'students.student_number'])
    .where('students.user_id', '=', studentId)
    .executeTakeFirst();
  return row && { id: row.id, name: row.name, email: row.email, studentNumber: row.student_number };
}

/**
 * Serializes money movements of one student (refunds from a credit balance, payment completion)
 * without a row of its own: a transaction-scoped advisory lock keyed by the student.
 */
export async function lockStudentAccount(tx: Transaction<DB>, studentId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`billing:${studentId}`}, 0))`.execute(
    tx,
  );
}

// ---- tuition setup

export async function findTuition(db: Executor, termId: string): Promise<TuitionRow | undefined> {
  return (
    db
      .selectFrom('term_tuition')
      .selectAll()
      // A date column arrives as a Date at local midnight; the text is the date itself.
      .select(sql<string | null>`to_char(due_on, 'YYYY-MM-DD')`.as('due_on'))
      .where('term_id', '=', termId)
      .executeTakeFirst()
  );
}

/** The term's fees in their order, each with the code of the course or section it names. */
export async function listFees(
  db: Executor,
  termId: string,
): Promise<Array<FeeRow & { target: string | null }>> {
  return db
    .selectFrom('term_fees as f')
    .leftJoin('courses as fc', 'fc.id', 'f.course_id')
    .leftJoin('sections as s', 's.id', 'f.section_id')
    .leftJoin('courses as sc', 'sc.id', 's.course_id')
    .selectAll('f')
    .select(sql<string | null>`coalesce(fc.code, sc.code || ' ' || s.section_code)`.as('target'))
    .where('f.term_id', '=', termId)
    .orderBy('f.position')
    .orderBy('f.id')
    .execute();
}

export async function upsertTuition(
  tx: Transaction<DB>,
  row: {
    term_id: string;
    currency: string;
    per_credit_amount: number;
    bands: string;
    refund_schedule: string;
    due_on: string | null;
    pay_to_enrol: boolean;
    payment_hold_minutes: number;
    financial_hold_when_overdue: boolean;
    reminder_days_before: number[];
    updated_by: string | null;
    updated_at: Date;
  },
): Promise<void> {
  const { term_id: _termId, ...changes } = row;
  await tx
    .insertInto('term_tuition')
    .values(row)
    .onConflict((oc) => oc.column('term_id').doUpdateSet(changes))
    .execute();
}

export async function replaceFees(
  tx: Transaction<DB>,
  termId: string,
  fees: Array<Omit<FeeRow, 'term_id'>>,
): Promise<void> {
  await tx.deleteFrom('term_fees').where('term_id', '=', termId).execute();
  if (fees.length === 0) return;
  await tx
    .insertInto('term_fees')
    .values(fees.map((fee) => ({ ...fee, term_id: termId })))
    .execute();
}

/** Which of these ids are courses, and which sections of this term (fee targets must exist). */
export async function findFeeTargets(
  db: Executor,
  termId: string,
  courseIds: string[],
  sectionIds: string[],
): Promise<{ courses: Set<string>; sections: Set<string> }> {
  const [courses, sections] = await Promise.all([
    courseIds.length === 0
      ? []
      : db.selectFrom('courses').select('id').where('id', 'in', courseIds).execute(),
    sectionIds.length === 0
      ? []
      : db
          .selectFrom('sections')
          .select('id')
          .where('term_id', '=', termId)
          .where('id', 'in', sectionIds)
          .execute(),
  ]);
  return {
    courses: new Set(courses.map((c) => c.id)),
    sections: new Set(sections.map((s) => s.id)),
  };
}

export interface BillingFacts {
  termId: string;
  timeZone: string;
  rules: TuitionRules;
  dueDate: string | null;
  payToEnrol: boolean;
  paymentHoldMinutes: number;
}

interface BillingFactsJson {
  termId: string;
  timeZone: string;
  currency: string;
  perCreditAmount: number | string;
  bands: TuitionRules['bands'];
  refundSchedule: TuitionRules['refundSchedule'];
  dueDate: string | null;
  payToEnrol: boolean;
  paymentHoldMinutes: number;
  fees: Array<{
    id: string;
    scope: FeeRule['scope'];
    courseId: string | null;
    sectionId: string | null;
    description: string;
    amount: number | string;
    refundable: boolean;
  }>;
}

/**
 * A jsonb expression with everything the pricing of a registration change needs: the term's
 * tuition setup and the fees that can apply to the given sections or their courses (null when
 * the term has no setup); 'all' takes every fee of the term. loadBillingFacts runs it alone.
 */
export function billingFactsJsonSql(
  termId: RawBuilder<unknown>,
  sectionIds: RawBuilder<unknown> | 'all',
): RawBuilder<BillingFactsJson | null> {
  const feesApplying =
    sectionIds === 'all'
      ? sql`true`
      : sql`(f.scope = 'term' or f.section_id = any(${sectionIds})
          or f.course_id in (select bs.course_id from sections bs where bs.id = any(${sectionIds})))`;
  return sql<BillingFactsJson | null>`(select jsonb_build_object(
      'termId', bt.term_id, 'timeZone', btm.time_zone, 'currency', bt.currency,
      'perCreditAmount', bt.per_credit_amount, 'bands', bt.bands,
      'refundSchedule', bt.refund_schedule, 'dueDate', to_char(bt.due_on, 'YYYY-MM-DD'),
      'payToEnrol', bt.pay_to_enrol, 'paymentHoldMinutes', bt.payment_hold_minutes,
      'fees', coalesce((select jsonb_agg(jsonb_build_object('id', f.id, 'scope', f.scope,
          'courseId', f.course_id, 'sectionId', f.section_id, 'description', f.description,
          'amount', f.amount, 'refundable', f.refundable) order by f.position, f.id)
        from term_fees f
        where f.term_id = bt.term_id and ${feesApplying}
      ), '[]'::jsonb))
    from term_tuition bt join terms btm on btm.id = bt.term_id
    where bt.term_id = ${termId})`;
}

/**
 * A text that changes whenever a term's pricing facts can have changed (null: no tuition setup):
 * tuition and fees are only ever written together, by the tuition PUT, which rewrites the tuition
 * row (a new xmin) in the same transaction; the term's time zone is part of it too.
 */
export function billingVersionSql(termId: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<
    string | null
  >`(select bt.xmin::text || '/' || bt.updated_at::text || '/' || btm.time_zone
    from term_tuition bt join terms btm on btm.id = bt.term_id where bt.term_id = ${termId})`;
}

/**
 * A term's pricing facts with every fee of the term (pricing applies only the fees the load
 * meets) and their version, read in one statement: what BillingFactsCache keeps.
 */
export async function loadTermBillingFacts(
  db: Executor,
  termId: string,
): Promise<{ version: string | null; facts: BillingFacts | undefined }> {
  const result = await sql<{ version: string | null; facts: unknown }>`
    select ${billingVersionSql(sql`${termId}::uuid`)} as version,
      ${billingFactsJsonSql(sql`${termId}::uuid`, 'all')} as facts`.execute(db);
  const row = result.rows[0];
  return { version: row?.version ?? null, facts: parseBillingFacts(row?.facts) };
}

/** The facts from billingFactsJsonSql, typed; undefined when the term has no tuition setup. */
export function parseBillingFacts(json: unknown): BillingFacts | undefined {
  if (json === null || json === undefined) return undefined;
  const facts = (typeof json === 'string' ? JSON.parse(json) : json) as BillingFactsJson;
  return {
    termId: facts.termId,
    timeZone: facts.timeZone,
    dueDate: facts.dueDate,
    payToEnrol: facts.payToEnrol,
    paymentHoldMinutes: Number(facts.paymentHoldMinutes),
    rules: {
      currency: facts.currency.trim(),
      perCreditAmount: Number(facts.perCreditAmount),
      bands: facts.bands,
      refundSchedule: facts.refundSchedule,
      fees: facts.fees.map((f) => ({
        id: f.id,
        scope: f.scope,
        courseId: f.courseId,
        sectionId: f.sectionId,
        description: f.description,
        amount: Number(f.amount),
        refundable: f.refundable,
      })),
    },
  };
}

/**
 * The pricing facts in one round trip, for callers that cannot embed billingFactsJsonSql.
 * Undefined when the term has no tuition setup (nothing is charged then).
 */
export async function loadBillingFacts(
  db: Executor,
  input: { termId: string; sectionIds: readonly string[] },
): Promise<BillingFacts | undefined> {
  const sectionIds = [...new Set(input.sectionIds)];
  const result = await sql<{ facts: unknown }>`select ${billingFactsJsonSql(
    sql`${input.termId}::uuid`,
    sql`${sectionIds}::uuid[]`,
  )} as facts`.execute(db);
  return parseBillingFacts(result.rows[0]?.facts);
}

// ---- financial holds (the holds table is the registration module's; billing places and lifts
// only its own: type financial, placed by nobody)

export async function hasSystemFinancialHold(db: Executor, studentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('holds')
    .select('id')
    .where('student_id', '=', studentId)
    .where('type', '=', 'financial')
    .where('placed_by', 'is', null)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function placeSystemFinancialHold(
  db: Executor,
  hold: { id: string; studentId: string; reason: string; at: Date },
): Promise<void> {
  await db
    .insertInto('holds')
    .values({
      id: hold.id,
      student_id: hold.studentId,
      type: 'financial',
      reason: hold.reason,
      blocks_registration: true,
      placed_by: null,
      placed_at: hold.at,
    })
    .execute();
}

/** Lifts billing's own financial holds; returns how many were lifted. */
export async function liftSystemFinancialHolds(
  db: Executor,
  studentId: string,
  at: Date,
  note: string,
): Promise<number> {
  const result = await db
    .updateTable('holds')
    .set({ lifted_at: at, lift_note: note })
    .where('student_id', '=', studentId)
    .where('type', '=', 'financial')
    .where('placed_by', 'is', null)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- ledger

/** One INSERT for any number of entries; a repeated source_key fails the statement. */
export function insertLedgerEntriesQuery(db: Executor, entries: readonly NewLedgerEntry[]) {
  return db.insertInto('ledger_entries').values([...entries]);
}

/**
 * The same entries as a CTE body for another module's statement (the registration engine's seat
 * CTE charges the seat it takes without a round trip of its own). `onlyIf` is a SQL condition
 * over the enclosing statement's CTEs; nothing is inserted when it is false.
 */
export function ledgerEntriesInsertSql(
  entries: readonly NewLedgerEntry[],
  onlyIf: RawBuilder<boolean>,
): RawBuilder<unknown> {
  const json = JSON.stringify(
    entries.map((e) => ({
      ...e,
      posted_at: e.posted_at.toISOString(),
    })),
  );
  return sql`insert into ledger_entries (id, student_id, term_id, kind, amount, currency,
      description, posted_at, registration_id, section_id, fee_id, payment_id, refund_id,
      source_key, created_by)
    select x.id, x.student_id, x.term_id, x.kind, x.amount, x.currency, x.description,
      x.posted_at, x.registration_id, x.section_id, x.fee_id, x.payment_id, x.refund_id,
      x.source_key, x.created_by
    from jsonb_to_recordset(${json}::jsonb) as x(id uuid, student_id uuid, term_id uuid,
      kind text, amount bigint, currency text, description text, posted_at timestamptz,
      registration_id uuid, section_id uuid, fee_id uuid, payment_id uuid, refund_id uuid,
      source_key text, created_by uuid)
    where ${onlyIf}`;
}

export async function insertLedgerEntries(
  db: Executor,
  entries: readonly NewLedgerEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await insertLedgerEntriesQuery(db, entries).execute();
}

export interface LedgerCursor {
  postedAt: string;
  id: string;
}

/** Entries with the running balance per currency; newest first, or oldest first for statements. */
export async function listLedger(
  db: Executor,
  studentId: string,
  options: {
    order: 'asc' | 'desc';
    limit?: number;
    after?: LedgerCursor;
    termId?: string;
    from?: Date;
    to?: Date;
  },
): Promise<LedgerRow[]> {
  let query = db
    .selectFrom((eb) =>
      eb
        .selectFrom('ledger_entries')
        .selectAll()
        .select(
          sql<number>`sum(amount) over (partition by currency order by posted_at, id rows unbounded preceding)`.as(
            'balance_after',
          ),
        )
        .where('student_id', '=', studentId)
        .as('l'),
    )
    .selectAll();
  if (options.termId) query = query.where('l.term_id', '=', options.termId);
  if (options.from) query = query.where('l.posted_at', '>=', options.from);
  if (options.to) query = query.where('l.posted_at', '<', options.to);
  if (options.after) {
    const { postedAt, id } = options.after;
    query =
      options.order === 'desc'
        ? query.where((eb) =>
            eb.or([
              eb('l.posted_at', '<', new Date(postedAt)),
              eb.and([eb('l.posted_at', '=', new Date(postedAt)), eb('l.id', '<', id)]),
            ]),
          )
        : query.where((eb) =>
            eb.or([
              eb('l.posted_at', '>', new Date(postedAt)),
              eb.and([eb('l.posted_at', '=', new Date(postedAt)), eb('l.id', '>', id)]),
            ]),
          );
  }
  query = query.orderBy('l.posted_at', options.order).orderBy('l.id', options.order);
  if (options.limit) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((r) => ({
    ...r,
    currency: r.currency.trim(),
    balance_after: Number(r.balance_after),
  }));
}

export async function sumLedgerBefore(
  db: Executor,
  studentId: string,
  currency: string,
  before: Date,
): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), sql<number>`0`).as('total'))
    .where('student_id', '=', studentId)
    .where('currency', '=', currency)
    .where('posted_at', '<', before)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

export interface BalanceRow {
  currency: string;
  balance: number;
  pastDue: number;
  lastPostedAt: Date;
}

/**
 * The balance per currency and the part of it past due: credits count at once, charges once their
 * term's due date (in the term's time zone) has passed. Charges with no due date (a term without
 * one, a manual adjustment) are owed but never past due.
 */
export async function balancesFor(
  db: Executor,
  studentId: string,
  now: Date,
): Promise<BalanceRow[]> {
  const result = await sql<{
    currency: string;
    balance: number;
    past_due: number;
    last_posted_at: Date;
  }>`
    select l.currency, sum(l.amount) as balance,
      greatest(0, coalesce(sum(l.amount) filter (
        where l.amount < 0
          or tt.due_on < (${now}::timestamptz at time zone terms.time_zone)::date
      ), 0)) as past_due,
      max(l.posted_at) as last_posted_at
    from ledger_entries l
    left join term_tuition tt on tt.term_id = l.term_id
    left join terms on terms.id = l.term_id
    where l.student_id = ${studentId}
    group by l.currency
    order by max(l.posted_at) desc
  `.execute(db);
  return result.rows.map((r) => ({
    currency: r.currency.trim(),
    balance: Number(r.balance),
    pastDue: Number(r.past_due),
    lastPostedAt: r.last_posted_at,
  }));
}

export interface TermAccountRow {
  termId: string;
  termCode: string;
  termName: string;
  currency: string;
  net: number;
  dueDate: string | null;
}

export async function termAccounts(db: Executor, studentId: string): Promise<TermAccountRow[]> {
  const result = await sql<{
    term_id: string;
    code: string;
    name: string;
    currency: string;
    net: number;
    due_on: string | null;
  }>`
    select l.term_id, terms.code, terms.name, l.currency, sum(l.amount) as net,
      to_char(tt.due_on, 'YYYY-MM-DD') as due_on
    from ledger_entries l
    join terms on terms.id = l.term_id
    left join term_tuition tt on tt.term_id = l.term_id
    where l.student_id = ${studentId}
    group by l.term_id, terms.code, terms.name, terms.starts_on, l.currency, tt.due_on
    order by terms.starts_on desc, terms.code
  `.execute(db);
  return result.rows.map((r) => ({
    termId: r.term_id,
    termCode: r.code,
    termName: r.name,
    currency: r.currency.trim(),
    net: Number(r.net),
    dueDate: r.due_on,
  }));
}

export interface HeldSeatRow {
  registrationId: string;
  sectionId: string;
  code: string;
  expiresAt: Date | null;
}

/**
 * Pay-to-enrol seats the student holds until paid (read from the registration module's table,
 * so the account page can say what a payment will confirm and by when).
 */
export async function listHeldSeats(db: Executor, studentId: string): Promise<HeldSeatRow[]> {
  const rows = await db
    .selectFrom('registrations as r')
    .innerJoin('sections as s', 's.id', 'r.section_id')
    .innerJoin('courses as c', 'c.id', 's.course_id')
    .select([
      'r.id',
      'r.section_id',
      sql<string>`c.code || ' ' || s.section_code`.as('code'),
      'r.offer_expires_at',
    ])
    .where('r.student_id', '=', studentId)
    .where('r.status', '=', 'pending_payment')
    .orderBy('r.offer_expires_at')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
    registrationId: r.id,
    sectionId: r.section_id,
    code: r.code,
    expiresAt: r.offer_expires_at,
  }));
}

/** The currency of the student's latest term with a tuition setup, for accounts with no entries. */
export async function defaultCurrencyFor(
  db: Executor,
  studentId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('term_tuition')
    .innerJoin('terms', 'terms.id', 'term_tuition.term_id')
    .select('term_tuition.currency')
    .orderBy((eb) =>
      eb
        .case()
        .when(
          eb.exists(
            eb
              .selectFrom('ledger_entries')
              .select('ledger_entries.id')
              .whereRef('ledger_entries.term_id', '=', 'terms.id')
              .where('ledger_entries.student_id', '=', studentId),
          ),
        )
        .then(0)
        .else(1)
        .end(),
    )
    .orderBy('terms.starts_on', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.currency.trim();
}

export interface StudentBalanceRow {
  studentId: string;
  name: string;
  email: string;
  studentNumber: string;
  currency: string;
  balance: number;
  pastDue: number;
}

/** Students with a non-zero balance (or past due), by name, for the bursar's list. */
export async function listStudentBalances(
  db: Executor,
  options: {
    q?: string;
    pastDueOnly: boolean;
    limit: number;
    after?: { name: string; id: string };
    now: Date;
  },
): Promise<StudentBalanceRow[]> {
  const pattern = options.q ? `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const result = await sql<{
    student_id: string;
    name: string;
    email: string;
    student_number: string;
    currency: string;
    balance: number;
    past_due: number;
  }>`
    select * from (
      select u.id as student_id, u.name, u.email, s.student_number, l.currency,
        sum(l.amount) as balance,
        greatest(0, coalesce(sum(l.amount) filter (
          where l.amount < 0
            or tt.due_on < (${options.now}::timestamptz at time zone terms.time_zone)::date
        ), 0)) as past_due
      from ledger_entries l
      join students s on s.user_id = l.student_id
      join users u on u.id = s.user_id
      left join term_tuition tt on tt.term_id = l.term_id
      left join terms on terms.id = l.term_id
      where (${pattern}::text is null or u.name ilike ${pattern} or u.email ilike ${pattern}
        or s.student_number ilike ${pattern})
      group by u.id, u.name, u.email, s.student_number, l.currency
    ) b
    where (b.balance <> 0 or b.past_due > 0)
      and (not ${options.pastDueOnly} or b.past_due > 0)
      and (${options.after?.name ?? null}::text is null
        or (b.name, b.student_id) > (${options.after?.name ?? null}::text, ${options.after?.id ?? null}::uuid))
    order by b.name, b.student_id
    limit ${options.limit}
  `.execute(db);
  return result.rows.map((r) => ({
    studentId: r.student_id,
    name: r.name,
    email: r.email,
    studentNumber: r.student_number,
    currency: r.currency.trim(),
    balance: Number(r.balance),
    pastDue: Number(r.past_due),
  }));
}

// ---- payments

export async function insertPaymentUnlessKeyUsed(
  db: Executor,
  row: {
    id: string;
    student_id: string;
    amount: number;
    currency: string;
    method: PaymentRow['method'];
    provider: PaymentRow['provider'];
    status: PaymentRow['status'];
    reference: string | null;
    note: string | null;
    idempotency_key: string | null;
    request_hash: string | null;
    created_by: string;
    created_at: Date;
    completed_at: Date | null;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('payments')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['created_by', 'idempotency_key'])
        .where('idempotency_key', 'is not', null)
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findPaymentByKey(
  db: Executor,
  createdBy: string,
  key: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('created_by', '=', createdBy)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function findPayment(db: Executor, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockPayment(
  tx: Transaction<DB>,
  id: string,
): Promise<PaymentRow | undefined> {
  return tx.selectFrom('payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function lockPaymentBySession(
  tx: Transaction<DB>,
  sessionId: string,
): Promise<PaymentRow | undefined> {
  return tx
    .selectFrom('payments')
    .selectAll()
    .where('checkout_session_id', '=', sessionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function lockPaymentByProviderId(
  tx: Transaction<DB>,
  providerPaymentId: string,
): Promise<PaymentRow | undefined> {
  return tx
    .selectFrom('payments')
    .selectAll()
    .where('provider_payment_id', '=', providerPaymentId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findPaymentBySession(
  db: Executor,
  sessionId: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('checkout_session_id', '=', sessionId)
    .executeTakeFirst();
}

/** First writer wins: a concurrent retry that also created a session keeps the stored one. */
export async function attachCheckout(
  db: Executor,
  paymentId: string,
  session: { sessionId: string; url: string },
): Promise<void> {
  await db
    .updateTable('payments')
    .set({ checkout_session_id: session.sessionId, checkout_url: session.url })
    .where('id', '=', paymentId)
    .where('checkout_session_id', 'is', null)
    .execute();
}

/** A payment whose checkout could not be opened: failed, and its Idempotency-Key freed. */
export async function abandonPayment(
  db: Executor,
  paymentId: string,
  reason: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('payments')
    .set({
      status: 'failed',
      failure_reason: reason,
      completed_at: at,
      idempotency_key: null,
      request_hash: null,
    })
    .where('id', '=', paymentId)
    .where('status', '=', 'pending')
    .where('checkout_session_id', 'is', null)
    .execute();
}

export async function updatePayment(
  db: Executor,
  id: string,
  changes: Partial<{
    status: PaymentRow['status'];
    provider_payment_id: string | null;
    failure_reason: string | null;
    completed_at: Date | null;
    refunded_amount: number;
  }>,
): Promise<void> {
  await db.updateTable('payments').set(changes).where('id', '=', id).execute();
}

export async function listPayments(db: Executor, studentId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('student_id', '=', studentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/** Card payments that still have money to give back, newest first, locked for the refund. */
export async function lockRefundablePayments(
  tx: Transaction<DB>,
  studentId: string,
  currency: string,
): Promise<PaymentRow[]> {
  return tx
    .selectFrom('payments')
    .selectAll()
    .where('student_id', '=', studentId)
    .where('currency', '=', currency)
    .where('status', '=', 'succeeded')
    .where('provider', 'in', ['stripe', 'test'])
    .where('provider_payment_id', 'is not', null)
    .whereRef('refunded_amount', '<', 'amount')
    .orderBy('completed_at', 'desc')
    .orderBy('id', 'desc')
    .forUpdate()
    .execute();
}

// ---- refunds

export async function findRefundsByKey(
  db: Executor,
  createdBy: string,
  key: string,
): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('created_by', '=', createdBy)
    .where('idempotency_key', '=', key)
    .orderBy('batch_position')
    .execute();
}

export async function insertRefund(
  db: Executor,
  row: {
    id: string;
    student_id: string;
    payment_id: string | null;
    amount: number;
    currency: string;
    method: RefundRow['method'];
    provider: RefundRow['provider'];
    provider_refund_id?: string | null;
    status: RefundRow['status'];
    origin: RefundRow['origin'];
    reason: string | null;
    idempotency_key: string | null;
    request_hash: string | null;
    batch_position: number;
    created_by: string | null;
    created_at: Date;
    completed_at: Date | null;
  },
): Promise<void> {
  await db.insertInto('refunds').values(row).execute();
}

export async function updateRefund(
  db: Executor,
  id: string,
  changes: Partial<{
    status: RefundRow['status'];
    provider_refund_id: string | null;
    failure_reason: string | null;
    completed_at: Date | null;
  }>,
): Promise<void> {
  await db.updateTable('refunds').set(changes).where('id', '=', id).execute();
}

export async function findRefund(db: Executor, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockRefundByProviderId(
  tx: Transaction<DB>,
  providerRefundId: string,
): Promise<RefundRow | undefined> {
  return tx
    .selectFrom('refunds')
    .selectAll()
    .where('provider_refund_id', '=', providerRefundId)
    .forUpdate()
    .executeTakeFirst();
}

export async function listRefunds(db: Executor, studentId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('refunds')
    .selectAll()
    .where('student_id', '=', studentId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

// ---- provider events, notices, daily runs

/** True when the event is new; a replay (same id) returns false and must do nothing. */
export async function recordProviderEvent(
  db: Executor,
  event: { id: string; provider: string; type: string; payload: unknown },
): Promise<boolean> {
  const row = await db
    .insertInto('payment_provider_events')
    .values({
      id: event.id,
      provider: event.provider,
      type: event.type,
      payload: JSON.stringify(event.payload),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** True the first time for this key; later calls return false (the notice was already sent). */
export async function claimNotice(
  db: Executor,
  notice: { studentId: string; kind: string; key: string; at: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('billing_notices')
    .values({
      student_id: notice.studentId,
      kind: notice.kind,
      notice_key: notice.key,
      sent_at: notice.at,
    })
    .onConflict((oc) => oc.columns(['student_id', 'kind', 'notice_key']).doNothing())
    .returning('student_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function claimDailyRun(db: Executor, job: string, day: string): Promise<boolean> {
  const row = await db
    .insertInto('billing_job_runs')
    .values({ job, run_on: day })
    .onConflict((oc) => oc.columns(['job', 'run_on']).doNothing())
    .returning('job')
    .executeTakeFirst();
  return row !== undefined;
}

export interface ReminderCandidate {
  studentId: string;
  name: string;
  email: string;
  termId: string;
  termName: string;
  timeZone: string;
  currency: string;
  dueDate: string;
  reminderDaysBefore: number[];
  termDue: number;
  balance: number;
}

/**
 * Students with charges in terms whose due date is still ahead or today (in the term's time zone)
 * and who owe something on their account: reminder candidates. The service picks the lead times.
 */
export async function listReminderCandidates(
  db: Executor,
  now: Date,
): Promise<ReminderCandidate[]> {
  const result = await sql<{
    student_id: string;
    name: string;
    email: string;
    term_id: string;
    term_name: string;
    time_zone: string;
    currency: string;
    due_on: string;
    reminder_days_before: number[];
    term_due: number;
    balance: number;
  }>`
    select l.student_id, u.name, u.email, l.term_id, terms.name as term_name, terms.time_zone,
      l.currency,
      to_char(tt.due_on, 'YYYY-MM-DD') as due_on, tt.reminder_days_before,
      sum(l.amount) as term_due,
      (select sum(a.amount) from ledger_entries a
        where a.student_id = l.student_id and a.currency = l.currency) as balance
    from ledger_entries l
    join term_tuition tt on tt.term_id = l.term_id
    join terms on terms.id = l.term_id
    join users u on u.id = l.student_id
    where tt.due_on >= (${now}::timestamptz at time zone terms.time_zone)::date
      and cardinality(tt.reminder_days_before) > 0
    group by l.student_id, u.name, u.email, l.term_id, terms.name, terms.time_zone, l.currency,
      tt.due_on,
      tt.reminder_days_before
    having sum(l.amount) > 0
  `.execute(db);
  return result.rows.map((r) => ({
    studentId: r.student_id,
    name: r.name,
    email: r.email,
    termId: r.term_id,
    termName: r.term_name,
    timeZone: r.time_zone,
    currency: r.currency.trim(),
    dueDate: r.due_on,
    reminderDaysBefore: r.reminder_days_before,
    termDue: Number(r.term_due),
    balance: Number(r.balance),
  }));
}

export interface OverdueCandidate {
  studentId: string;
  name: string;
  email: string;
  currency: string;
  pastDue: number;
  /** The latest due date already missed: one overdue notice per missed date. */
  lastMissedDueDate: string;
}

/**
 * Students past due in a currency who have charges in a term that asks for a financial hold when
 * overdue (the hold itself is the registration module's).
 */
export async function listOverdueForHolds(db: Executor, now: Date): Promise<OverdueCandidate[]> {
  const result = await sql<{
    student_id: string;
    name: string;
    email: string;
    currency: string;
    past_due: number;
    last_missed: string;
  }>`
    select * from (
      select l.student_id, u.name, u.email, l.currency,
        to_char(max(tt.due_on) filter (
          where tt.due_on < (${now}::timestamptz at time zone terms.time_zone)::date
        ), 'YYYY-MM-DD') as last_missed,
        greatest(0, coalesce(sum(l.amount) filter (
          where l.amount < 0
            or tt.due_on < (${now}::timestamptz at time zone terms.time_zone)::date
        ), 0)) as past_due,
        bool_or(coalesce(tt.financial_hold_when_overdue, false)
          and tt.due_on < (${now}::timestamptz at time zone terms.time_zone)::date) as wants_hold
      from ledger_entries l
      join users u on u.id = l.student_id
      left join term_tuition tt on tt.term_id = l.term_id
      left join terms on terms.id = l.term_id
      group by l.student_id, u.name, u.email, l.currency
    ) o
    where o.past_due > 0 and o.wants_hold
  `.execute(db);
  return result.rows.map((r) => ({
    studentId: r.student_id,
    name: r.name,
    email: r.email,
    currency: r.currency.trim(),
    pastDue: Number(r.past_due),
    lastMissedDueDate: r.last_missed,
  }));
}

import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    -- One tuition setup per term. Bands and the refund schedule are short lists always read and
    -- written together with the term's rate, so they live here as JSON.
    create table term_tuition (
      term_id uuid primary key references terms(id) on delete cascade,
      currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
      per_credit_amount bigint not null check (per_credit_amount >= 0),
      -- [{ minCredits, maxCredits, amount }]: one flat price for a load inside the band.
      bands jsonb not null default '[]',
      -- [{ until: 'YYYY-MM-DD', percent }]: drops up to the end of that local day get percent back.
      refund_schedule jsonb not null default '[]',
      due_on date,
      pay_to_enrol boolean not null default false,
      payment_hold_minutes integer not null default 30
        check (payment_hold_minutes between 1 and 10080),
      financial_hold_when_overdue boolean not null default false,
      reminder_days_before integer[] not null default '{7,1}',
      updated_at timestamptz not null default now(),
      updated_by uuid references users(id) on delete set null
    );

    create table term_fees (
      id uuid primary key,
      term_id uuid not null references terms(id) on delete cascade,
      scope text not null check (scope in ('term','course','section')),
      course_id uuid references courses(id) on delete cascade,
      section_id uuid references sections(id) on delete cascade,
      description text not null,
      amount bigint not null check (amount > 0),
      refundable boolean not null default true,
      position integer not null default 0,
      check (
        (scope = 'term' and course_id is null and section_id is null) or
        (scope = 'course' and course_id is not null and section_id is null) or
        (scope = 'section' and section_id is not null and course_id is null)
      )
    );
    create index term_fees_term_idx on term_fees (term_id);

    -- A payment attempt (online checkout) or a payment staff received offline. The ledger gets its
    -- credit only when the payment succeeds.
    create table payments (
      id uuid primary key,
      student_id uuid not null references students(user_id),
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      method text not null check (method in ('card','cash','check','bank_transfer','other')),
      provider text not null check (provider in ('stripe','test','offline')),
      status text not null default 'pending'
        check (status in ('pending','succeeded','failed','expired')),
      checkout_session_id text unique,
      checkout_url text,
      -- The provider's charge handle (a Stripe PaymentIntent id): refunds go through it.
      provider_payment_id text unique,
      refunded_amount bigint not null default 0,
      reference text,
      note text,
      failure_reason text,
      idempotency_key text,
      request_hash text,
      created_by uuid not null references users(id),
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      check (refunded_amount >= 0 and refunded_amount <= amount)
    );
    create index payments_student_idx on payments (student_id, created_at desc);
    -- Retries with the same Idempotency-Key find the first payment instead of creating another.
    create unique index payments_idempotency_idx on payments (created_by, idempotency_key)
      where idempotency_key is not null;

    -- Money returned to a student from a credit balance: to the card it came from, or offline.
    create table refunds (
      id uuid primary key,
      student_id uuid not null references students(user_id),
      payment_id uuid references payments(id),
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      method text not null check (method in ('card','cash','check','bank_transfer','other')),
      provider text not null check (provider in ('stripe','test','offline')),
      provider_refund_id text unique,
      status text not null default 'pending' check (status in ('pending','succeeded','failed')),
      -- 'staff': issued here; 'provider': made at the provider (e.g. the Stripe dashboard).
      origin text not null default 'staff' check (origin in ('staff','provider')),
      reason text,
      failure_reason text,
      -- One staff request may refund several card payments: its refunds share the key.
      idempotency_key text,
      request_hash text,
      batch_position integer not null default 0,
      created_by uuid references users(id),
      created_at timestamptz not null default now(),
      completed_at timestamptz
    );
    create index refunds_student_idx on refunds (student_id, created_at desc);
    create index refunds_payment_idx on refunds (payment_id);
    create unique index refunds_idempotency_idx
      on refunds (created_by, idempotency_key, batch_position)
      where idempotency_key is not null;

    -- The student account: append-only, integer minor units, positive = the student owes.
    -- The balance is the sum; nothing else stores it.
    create table ledger_entries (
      id uuid primary key,
      student_id uuid not null references students(user_id),
      term_id uuid references terms(id),
      kind text not null check (kind in ('charge','payment','refund','adjustment')),
      amount bigint not null check (amount <> 0),
      currency char(3) not null,
      description text not null,
      posted_at timestamptz not null default now(),
      registration_id uuid,
      section_id uuid,
      fee_id uuid,
      payment_id uuid references payments(id),
      refund_id uuid references refunds(id),
      -- Names the event that caused the entry (e.g. reg:<id>:add:tuition): posting it twice fails.
      source_key text unique,
      created_by uuid references users(id),
      constraint ledger_entries_sign check (
        (kind = 'charge' and amount > 0) or (kind = 'payment' and amount < 0) or
        (kind = 'refund' and amount > 0) or kind = 'adjustment'
      )
    );
    create index ledger_entries_student_idx on ledger_entries (student_id, posted_at, id);
    create index ledger_entries_term_idx on ledger_entries (term_id);
    create unique index ledger_entries_one_credit_per_payment on ledger_entries (payment_id)
      where kind = 'payment';
    create unique index ledger_entries_one_debit_per_refund on ledger_entries (refund_id)
      where kind = 'refund';

    create function ledger_entries_append_only() returns trigger language plpgsql as $$ begin raise exception 'ledger entries are append-only: post an adjustment instead'; end $$;

    create trigger ledger_entries_no_update before update or delete on ledger_entries
      for each row execute function ledger_entries_append_only();

    -- Provider webhook events already handled: a replayed event finds its id here and does nothing.
    create table payment_provider_events (
      id text primary key,
      provider text not null,
      type text not null,
      received_at timestamptz not null default now(),
      payload jsonb not null
    );

    -- Notices sent once per key (a due-date reminder per term and lead time, an overdue hold).
    create table billing_notices (
      student_id uuid not null references students(user_id) on delete cascade,
      kind text not null,
      notice_key text not null,
      sent_at timestamptz not null default now(),
      primary key (student_id, kind, notice_key)
    );

    -- Daily billing work runs once a day however many processes schedule it.
    create table billing_job_runs (
      job text not null,
      run_on date not null,
      ran_at timestamptz not null default now(),
      primary key (job, run_on)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop table billing_job_runs, billing_notices, payment_provider_events, ledger_entries, refunds,
      payments, term_fees, term_tuition;
    drop function ledger_entries_append_only();
  `,
  );
}

// The registration engine's tables: the per-student lock row, registrations, holds, time tickets,
// permits, the audit trail, idempotency records, carts and in-app notifications.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    -- One row per student and term, created on demand: THE lock that serializes a student's own
    -- registration transactions (credit limits and time conflicts then see every earlier request).
    -- version grows on every lock, so a transaction can tell whether another one committed while it
    -- waited. No foreign key to terms: the whole rush would share-lock the one term row.
    create table student_terms (
      student_id uuid not null references students(user_id) on delete cascade,
      term_id uuid not null,
      -- Per-student time ticket: overrides the term's rules when set.
      opens_at timestamptz,
      version bigint not null default 1,
      primary key (student_id, term_id)
    );

    -- Live statuses (enrolled, waitlisted, offered, pending_payment) hold a place; dropped and
    -- withdrawn rows stay as history. sections.enrolled counts enrolled + offered + pending_payment
    -- rows and sections.waitlisted counts waitlisted rows, in the same transactions.
    -- term_id has no foreign key for the same reason as student_terms (the section implies it).
    create table registrations (
      id uuid primary key,
      student_id uuid not null references students(user_id) on delete cascade,
      section_id uuid not null references sections(id),
      term_id uuid not null,
      status text not null
        check (status in ('enrolled','waitlisted','offered','pending_payment','dropped','withdrawn')),
      credits numeric(4,2) not null check (credits >= 0),
      -- Wait-list order is (joined_at, id), taken under the section's row lock; never renumbered.
      joined_at timestamptz not null default clock_timestamp(),
      offer_expires_at timestamptz,
      -- Overrides that actually waived a rule for this registration (audited too).
      overrides text[] not null default '{}',
      -- Wait-list swap: when this wait-listed registration is promoted, drop that one.
      swap_drop_registration_id uuid references registrations(id) on delete set null,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      enrolled_at timestamptz,
      dropped_at timestamptz,
      drop_reason text,
      check (status <> 'offered' or offer_expires_at is not null)
    );
    -- Duplicates are impossible even if the code is wrong.
    create unique index registrations_live_key on registrations (student_id, section_id)
      where status in ('enrolled','waitlisted','offered','pending_payment');
    create index registrations_section_queue_idx on registrations (section_id, status, joined_at, id);
    create index registrations_student_term_idx on registrations (student_id, term_id);
    create index registrations_offers_idx on registrations (offer_expires_at) where status = 'offered';

    create table holds (
      id uuid primary key,
      student_id uuid not null references students(user_id) on delete cascade,
      type text not null
        check (type in ('academic','financial','advising','disciplinary','administrative')),
      reason text not null,
      blocks_registration boolean not null default true,
      placed_by uuid references users(id) on delete set null,
      placed_at timestamptz not null default now(),
      lifted_by uuid references users(id) on delete set null,
      lifted_at timestamptz,
      lift_note text
    );
    create index holds_student_idx on holds (student_id, placed_at);

    -- When each group of students may start: the earliest matching rule wins.
    create table time_ticket_rules (
      id uuid primary key,
      term_id uuid not null references terms(id) on delete cascade,
      position integer not null,
      min_credits_earned numeric(6,2),
      class_standing text
        check (class_standing in ('freshman','sophomore','junior','senior','graduate')),
      opens_at timestamptz not null
    );
    create index time_ticket_rules_term_idx on time_ticket_rules (term_id, position);

    create table permits (
      id uuid primary key,
      section_id uuid not null references sections(id) on delete cascade,
      student_id uuid not null references students(user_id) on delete cascade,
      overrides text[] not null check (overrides <@ array['capacity','prerequisite','corequisite',
        'time_conflict','credit_limit','hold','window','restriction']::text[]),
      note text,
      granted_by uuid references users(id) on delete set null,
      granted_at timestamptz not null default now(),
      revoked_at timestamptz
    );
    create index permits_section_student_idx on permits (section_id, student_id);
    create index permits_student_idx on permits (student_id);

    -- Every attempt and every change, successful or not. No foreign keys: history outlives rows.
    -- student_id is empty only for section-wide staff actions (a capacity change).
    create table registration_audit (
      id uuid primary key,
      at timestamptz not null default now(),
      actor_id uuid,
      student_id uuid,
      section_id uuid,
      term_id uuid,
      registration_id uuid,
      action text not null,
      outcome text not null,
      blocker_codes text[] not null default '{}',
      details jsonb not null default '{}',
      request_id text
    );
    create index registration_audit_student_idx on registration_audit (student_id, at desc, id desc);
    create index registration_audit_section_idx on registration_audit (section_id, at desc, id desc);
    create index registration_audit_at_idx on registration_audit (at desc, id desc);

    -- The first response to an Idempotency-Key, replayed for 24 hours.
    create table idempotency_keys (
      user_id uuid not null,
      key text not null,
      request_hash text not null,
      status_code integer not null,
      response jsonb not null,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    );
    create index idempotency_keys_created_idx on idempotency_keys (created_at);

    create table cart_items (
      id uuid primary key,
      student_id uuid not null references students(user_id) on delete cascade,
      term_id uuid not null references terms(id) on delete cascade,
      section_id uuid not null references sections(id) on delete cascade,
      added_at timestamptz not null default now(),
      unique (student_id, section_id)
    );
    create index cart_items_student_term_idx on cart_items (student_id, term_id, added_at);

    create table notifications (
      id uuid primary key,
      user_id uuid not null references users(id) on delete cascade,
      kind text not null,
      title text not null,
      body text not null,
      data jsonb not null default '{}',
      created_at timestamptz not null default now(),
      read_at timestamptz
    );
    create index notifications_user_idx on notifications (user_id, created_at desc, id desc);
    create index notifications_unread_idx on notifications (user_id) where read_at is null;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop table notifications, cart_items, idempotency_keys, registration_audit, permits,
      time_ticket_rules, holds, registrations, student_terms;
  `,
  );
}

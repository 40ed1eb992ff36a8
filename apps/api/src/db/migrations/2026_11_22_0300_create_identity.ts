import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create extension if not exists citext;

    create table users (
      id uuid primary key,
      email citext not null unique,
      username citext unique,
      name text not null,
      password_hash text,
      roles text[] not null default '{}',
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint users_roles_known check (roles <@ array['student','instructor','advisor','admin']::text[])
    );

    create table students (
      user_id uuid primary key references users(id) on delete cascade,
      student_number text not null unique,
      program_code text,
      class_standing text not null default 'freshman'
        check (class_standing in ('freshman','sophomore','junior','senior','graduate')),
      credits_earned numeric(6,2) not null default 0,
      advisor_id uuid references users(id) on delete set null,
      interests text[] not null default '{}'
    );
    create index students_advisor_idx on students (advisor_id);

    -- A session is one login; its refresh tokens form a family that dies together.
    create table sessions (
      id uuid primary key,
      user_id uuid not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_reason text,
      ip text,
      user_agent text
    );
    create index sessions_user_idx on sessions (user_id);

    create table refresh_tokens (
      token_hash text primary key,
      session_id uuid not null references sessions(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index refresh_tokens_session_idx on refresh_tokens (session_id);

    create table password_reset_tokens (
      token_hash text primary key,
      user_id uuid not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    );

    -- Failed logins per key (account or IP) inside a sliding window, shared by every process.
    create table login_throttle (
      key text primary key,
      failures integer not null default 0,
      window_started_at timestamptz not null default now(),
      locked_until timestamptz
    );

    create table mail_outbox (
      id uuid primary key,
      to_address text not null,
      subject text not null,
      text_body text not null,
      html_body text,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      attempts integer not null default 0,
      last_error text
    );
    create index mail_outbox_created_idx on mail_outbox (created_at desc);

    create table transcript_entries (
      id uuid primary key,
      student_id uuid not null references students(user_id) on delete cascade,
      course_code text not null,
      term_code text not null,
      grade text not null,
      credits numeric(4,2) not null check (credits >= 0),
      created_at timestamptz not null default now(),
      unique (student_id, course_code, term_code)
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop table transcript_entries, mail_outbox, login_throttle, password_reset_tokens,
      refresh_tokens, sessions, students, users;
  `,
  );
}

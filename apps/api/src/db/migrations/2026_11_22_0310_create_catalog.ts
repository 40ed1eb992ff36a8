import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table subjects (
      code text primary key,
      name text not null
    );

    create table programs (
      code text primary key,
      name text not null,
      degree text
    );

    create table terms (
      id uuid primary key,
      code text not null unique,
      name text not null,
      time_zone text not null,
      starts_on date not null,
      ends_on date not null,
      registration_opens_at timestamptz not null,
      registration_closes_at timestamptz not null,
      add_drop_deadline timestamptz not null,
      withdraw_deadline timestamptz not null,
      min_credits numeric(5,2) not null default 0,
      max_credits numeric(5,2) not null default 18,
      -- Hours a freed seat is offered to the head of a claim-window wait-list.
      claim_window_hours integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (starts_on <= ends_on),
      check (registration_opens_at < registration_closes_at),
      check (min_credits <= max_credits)
    );

    create table courses (
      id uuid primary key,
      code text not null unique,
      subject_code text not null references subjects(code),
      number text not null,
      title text not null,
      description text not null default '',
      credits_min numeric(4,2) not null check (credits_min >= 0),
      credits_max numeric(4,2) not null,
      prerequisites text,
      corequisites text,
      -- { classStandings?: string[], programs?: string[] }: who may register at all.
      restrictions jsonb not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (credits_min <= credits_max)
    );
    create index courses_subject_idx on courses (subject_code, number);

    create table sections (
      id uuid primary key,
      term_id uuid not null references terms(id),
      course_id uuid not null references courses(id),
      crn text not null,
      section_code text not null,
      kind text not null default 'lecture'
        check (kind in ('lecture','lab','discussion','seminar','studio','online','independent','other')),
      title text,
      -- Section-level credits when they differ from the course (variable-credit courses).
      credits numeric(4,2),
      capacity integer not null check (capacity >= 0),
      waitlist_capacity integer not null default 0 check (waitlist_capacity >= 0),
      -- Seat counters kept in step with registrations in the same transaction; a check proves it.
      enrolled integer not null default 0 check (enrolled >= 0),
      waitlisted integer not null default 0 check (waitlisted >= 0),
      -- 'auto': promotion enrols the head of the list; 'claim': the seat is offered for a while.
      waitlist_mode text not null default 'auto' check (waitlist_mode in ('auto','claim')),
      -- Sections of one course and term sharing a group are taken together (a lecture and a lab).
      linked_group text,
      status text not null default 'active' check (status in ('active','cancelled')),
      cancelled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (term_id, crn)
    );
    create index sections_term_course_idx on sections (term_id, course_id);

    create table section_instructors (
      section_id uuid not null references sections(id) on delete cascade,
      position integer not null,
      name text not null,
      user_id uuid references users(id) on delete set null,
      primary key (section_id, position)
    );
    create index section_instructors_user_idx on section_instructors (user_id);

    -- days null means "arranged" (online or by appointment).
    create table section_meetings (
      id uuid primary key,
      section_id uuid not null references sections(id) on delete cascade,
      days text,
      start_time time,
      end_time time,
      location text,
      start_date date,
      end_date date,
      check (days is null or days ~ '^[MTWRFSU]+$'),
      check (start_time is null or end_time is null or start_time < end_time)
    );
    create index section_meetings_section_idx on section_meetings (section_id);

    -- Seats held for a group (class standing, program, or a named cohort) until a release date.
    create table section_reserved_seats (
      id uuid primary key,
      section_id uuid not null references sections(id) on delete cascade,
      group_kind text not null check (group_kind in ('class_standing','program','cohort')),
      group_value text not null,
      label text not null,
      seats integer not null check (seats >= 0),
      until timestamptz
    );
    create index section_reserved_seats_section_idx on section_reserved_seats (section_id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop table section_reserved_seats, section_meetings, section_instructors, sections, courses,
      terms, programs, subjects;
  `,
  );
}

// Test data for the live, admission and calendar tests: a term, courses and sections written
// straight into the database (the catalog's own tests cover its HTTP API).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';

export interface FixtureTerm {
  id: string;
  code: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
}

export async function insertFixtureTerm(
  db: Kysely<DB>,
  options: { timeZone?: string; startsOn?: string; endsOn?: string; opensAt?: Date } = {},
): Promise<FixtureTerm> {
  const id = newId();
  const code = `T${id.replace(/-/g, '').slice(-10)}`;
  const startsOn = options.startsOn ?? '2026-08-24';
  const endsOn = options.endsOn ?? '2026-12-11';
  const timeZone = options.timeZone ?? 'America/Chicago';
  const opensAt = options.opensAt ?? new Date('2026-01-01T00:00:00Z');
  await db
    .insertInto('terms')
    .values({
      id,
      code,
      name: `Fixture term ${code}`,
      time_zone: timeZone,
      starts_on: startsOn,
      ends_on: endsOn,
      registration_opens_at: opensAt,
      registration_closes_at: new Date('2027-12-31T00:00:00Z'),
      add_drop_deadline: new Date('2027-12-31T00:00:00Z'),
      withdraw_deadline: new Date('2027-12-31T00:00:00Z'),
    })
    .execute();
  return { id, code, timeZone, startsOn, endsOn };
}

export interface FixtureMeeting {
  days: string | null;
  startTime: string | null;
  endTime: string | null;
  location?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}

export interface FixtureSectionOptions {
  subject?: string;
  number?: string;
  title?: string;
  sectionCode?: string;
  credits?: number;
  capacity?: number;
  waitlistCapacity?: number;
  meetings?: FixtureMeeting[];
  instructors?: string[];
}

export interface FixtureSection {
  id: string;
  courseId: string;
  code: string;
}

let courseCounter = 0;

export async function insertFixtureSection(
  db: Kysely<DB>,
  termId: string,
  options: FixtureSectionOptions = {},
): Promise<FixtureSection> {
  courseCounter += 1;
  const subject = options.subject ?? 'FIX';
  const number = options.number ?? String(100 + courseCounter);
  const courseCode = `${subject} ${number}`;
  await db
    .insertInto('subjects')
    .values({ code: subject, name: `${subject} subject` })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const existing = await db
    .selectFrom('courses')
    .select('id')
    .where('code', '=', courseCode)
    .executeTakeFirst();
  const courseId = existing?.id ?? newId();
  if (!existing) {
    await db
      .insertInto('courses')
      .values({
        id: courseId,
        code: courseCode,
        subject_code: subject,
        number,
        title: options.title ?? `Course ${courseCode}`,
        credits_min: options.credits ?? 3,
        credits_max: options.credits ?? 3,
        restrictions: '{}',
      })
      .execute();
  }
  const id = newId();
  const sectionCode = options.sectionCode ?? 'A1';
  await db
    .insertInto('sections')
    .values({
      id,
      term_id: termId,
      course_id: courseId,
      crn: id.replace(/-/g, '').slice(-8),
      section_code: sectionCode,
      capacity: options.capacity ?? 30,
      waitlist_capacity: options.waitlistCapacity ?? 5,
      title: null,
      credits: null,
      linked_group: null,
    })
    .execute();
  for (const meeting of options.meetings ?? []) {
    await db
      .insertInto('section_meetings')
      .values({
        id: newId(),
        section_id: id,
        days: meeting.days,
        start_time: meeting.startTime,
        end_time: meeting.endTime,
        location: meeting.location ?? null,
        start_date: meeting.startDate ?? null,
        end_date: meeting.endDate ?? null,
      })
      .execute();
  }
  let position = 0;
  for (const name of options.instructors ?? []) {
    position += 1;
    await db
      .insertInto('section_instructors')
      .values({ section_id: id, position, name, user_id: null })
      .execute();
  }
  return { id, courseId, code: `${courseCode} ${sectionCode}` };
}

/** Sets a section's counters as a registration transaction would (tests of the live streams). */
export async function setSeatCounters(
  db: Kysely<DB>,
  sectionId: string,
  counters: { enrolled?: number; waitlisted?: number; capacity?: number },
): Promise<void> {
  await sql`
    update sections set
      enrolled = coalesce(${counters.enrolled ?? null}::int, enrolled),
      waitlisted = coalesce(${counters.waitlisted ?? null}::int, waitlisted),
      capacity = coalesce(${counters.capacity ?? null}::int, capacity)
    where id = ${sectionId}`.execute(db);
}

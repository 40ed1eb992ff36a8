// Reads and writes behind the schedule and calendar endpoints.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { isId } from '../../lib/ids.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface ScheduleTermRecord {
  id: string;
  code: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
}

export interface ScheduleMeetingRecord {
  days: string | null;
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface ScheduleRegistrationRecord {
  registrationId: string;
  status: 'enrolled' | 'waitlisted' | 'offered' | 'pending_payment';
  credits: number;
  sectionId: string;
  code: string;
  title: string;
  kind: string;
  crn: string;
  instructors: string[];
  meetings: ScheduleMeetingRecord[];
  term: ScheduleTermRecord;
}

interface ScheduleRow {
  registration_id: string;
  status: ScheduleRegistrationRecord['status'];
  credits: number | string;
  section_id: string;
  code: string;
  title: string;
  kind: string;
  crn: string;
  instructors: unknown;
  meetings: unknown;
  term_id: string;
  term_code: string;
  term_name: string;
  time_zone: string;
  starts_on: string;
  ends_on: string;
}

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export async function findScheduleTerm(
  db: Executor,
  termId: string,
): Promise<ScheduleTermRecord | undefined> {
  if (!isId(termId)) return undefined;
  const row = await db
    .selectFrom('terms')
    .select([
      'id',
      'code',
      'name',
      'time_zone',
      // As text: the date itself, with no time zone for a driver to apply.
      sql<string>`starts_on::text`.as('starts_on'),
      sql<string>`ends_on::text`.as('ends_on'),
    ])
    .where('id', '=', termId)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        code: row.code,
        name: row.name,
        timeZone: row.time_zone,
        startsOn: row.starts_on,
        endsOn: row.ends_on,
      }
    : undefined;
}

/**
 * The student's live registrations with their sections and meetings: in one term, or (termId
 * undefined) in every term that ends on or after `endsOnOrAfter`.
 */
export async function listScheduleRegistrations(
  db: Executor,
  studentId: string,
  scope: { termId: string } | { endsOnOrAfter: string },
): Promise<ScheduleRegistrationRecord[]> {
  const termFilter =
    'termId' in scope ? sql`r.term_id = ${scope.termId}` : sql`t.ends_on >= ${scope.endsOnOrAfter}`;
  const result = await sql<ScheduleRow>`
    select r.id as registration_id, r.status, r.credits, s.id as section_id,
      trim(c.code || ' ' || s.section_code) as code, coalesce(s.title, c.title) as title,
      s.kind, s.crn, t.id as term_id, t.code as term_code, t.name as term_name, t.time_zone,
      t.starts_on::text as starts_on, t.ends_on::text as ends_on,
      coalesce((select json_agg(i.name order by i.position)
        from section_instructors i where i.section_id = s.id), '[]') as instructors,
      coalesce((select json_agg(json_build_object('days', m.days,
          'startTime', to_char(m.start_time, 'HH24:MI'), 'endTime', to_char(m.end_time, 'HH24:MI'),
          'location', m.location, 'startDate', m.start_date::text, 'endDate', m.end_date::text)
          order by m.start_time nulls last, m.id)
        from section_meetings m where m.section_id = s.id), '[]') as meetings
    from registrations r
    join sections s on s.id = r.section_id
    join courses c on c.id = s.course_id
    join terms t on t.id = r.term_id
    where r.student_id = ${studentId}
      and r.status in ('enrolled', 'waitlisted', 'offered', 'pending_payment')
      and ${termFilter}
    order by t.starts_on, code, r.id`.execute(db);
  return result.rows.map((row) => ({
    registrationId: row.registration_id,
    status: row.status,
    credits: Number(row.credits),
    sectionId: row.section_id,
    code: row.code,
    title: row.title,
    kind: row.kind,
    crn: row.crn,
    instructors: parseJson<string[]>(row.instructors),
    meetings: parseJson<ScheduleMeetingRecord[]>(row.meetings),
    term: {
      id: row.term_id,
      code: row.term_code,
      name: row.term_name,
      timeZone: row.time_zone,
      startsOn: row.starts_on,
      endsOn: row.ends_on,
    },
  }));
}

export interface CalendarFeedRecord {
  userId: string;
  feedId: string;
  createdAt: Date;
}

export async function findCalendarFeedByUser(
  db: Executor,
  userId: string,
): Promise<CalendarFeedRecord | undefined> {
  const row = await db
    .selectFrom('calendar_feeds')
    .select(['user_id', 'feed_id', 'created_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { userId: row.user_id, feedId: row.feed_id, createdAt: row.created_at } : undefined;
}

export async function findCalendarFeedById(
  db: Executor,
  feedId: string,
): Promise<CalendarFeedRecord | undefined> {
  const row = await db
    .selectFrom('calendar_feeds')
    .select(['user_id', 'feed_id', 'created_at'])
    .where('feed_id', '=', feedId)
    .executeTakeFirst();
  return row ? { userId: row.user_id, feedId: row.feed_id, createdAt: row.created_at } : undefined;
}

/** Creates the user's feed, or replaces its id (the old URL stops working). */
export async function upsertCalendarFeed(
  db: Executor,
  userId: string,
  feedId: string,
  at: Date,
): Promise<CalendarFeedRecord> {
  await db
    .insertInto('calendar_feeds')
    .values({ user_id: userId, feed_id: feedId, created_at: at })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ feed_id: feedId, created_at: at, last_read_at: null }),
    )
    .execute();
  return { userId, feedId, createdAt: at };
}

/** Creates the user's feed unless one exists; returns the one in force. */
export async function ensureCalendarFeed(
  db: Executor,
  userId: string,
  feedId: string,
  at: Date,
): Promise<CalendarFeedRecord> {
  await db
    .insertInto('calendar_feeds')
    .values({ user_id: userId, feed_id: feedId, created_at: at })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
  const feed = await findCalendarFeedByUser(db, userId);
  if (!feed) throw new Error('calendar feed vanished after insert');
  return feed;
}

export async function touchCalendarFeed(db: Executor, feedId: string, at: Date): Promise<void> {
  await db
    .updateTable('calendar_feeds')
    .set({ last_read_at: at })
    .where('feed_id', '=', feedId)
    .execute();
}

export async function userIsActiveStudent(db: Executor, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .innerJoin('students', 'students.user_id', 'users.id')
    .select('users.id')
    .where('users.id', '=', userId)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

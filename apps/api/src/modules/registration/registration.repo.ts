// The registration engine's only access to the database. The two statements of the registration
// transaction live here: gatherFacts (lock the student and return every fact the rules need, as
// JSON aggregates, in one round trip) and takeSeat (the seat, the registration, the audit entry and
// the idempotency record in one CTE). Every function takes the executor first.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClassStanding } from '../../db/tables/identity.ts';
import type { RegistrationStatus } from '../../db/tables/registration.ts';
import type {
  CurrentRegistrationFact,
  HoldFact,
  LiveStatus,
  MeetingFact,
  RegistrationFacts,
  SectionFact,
  TermFact,
  TimeTicketRuleFact,
} from './registration.rules.ts';
import { COMMIT_AFTER_MARK } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { RetryTransactionError } from './registration.errors.ts';
import {
  billingVersionSql,
  ledgerEntriesInsertSql,
  type BillingFacts,
  type NewLedgerEntry,
} from '../billing/billing.repo.ts';
import type { LoadItem } from '../billing/billing.ledger.ts';
import type { BillingFactsCache } from '../billing/billing.facts-cache.ts';
import type { CatalogFactsCache } from './registration.catalog-cache.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

const SEAT_STATUSES_SQL = sql.raw(`('enrolled','offered','pending_payment')`);
const LIVE_STATUSES_SQL = sql.raw(`('enrolled','waitlisted','offered','pending_payment')`);

// ---------------------------------------------------------------------------------------------
// Shapes

export interface MeetingView {
  days: string | null;
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  startDate: string | null;
  endDate: string | null;
}

/** The section as registration views show it. */
export interface SectionSummary {
  id: string;
  code: string;
  crn: string;
  termId: string;
  courseId: string;
  courseCode: string;
  title: string;
  kind: string;
  linkedGroup: string | null;
  credits: number;
  status: 'active' | 'cancelled';
  meetings: MeetingView[];
  instructors: string[];
}

/** A section asked for, with everything the rules need. */
export interface TargetSection extends SectionFact {
  crn: string;
  termId: string;
  title: string;
  instructors: string[];
}

export interface RegistrationRecord {
  id: string;
  studentId: string;
  sectionId: string;
  termId: string;
  status: RegistrationStatus;
  credits: number;
  joinedAt: Date;
  offerExpiresAt: Date | null;
  swapDropRegistrationId: string | null;
  overrides: string[];
  droppedAt: Date | null;
  dropReason: string | null;
  section: SectionSummary;
}

/** A student's live registration in the facts: its section without the instructors' names. */
export type CurrentRegistration = Omit<RegistrationRecord, 'section'> & {
  section: Omit<SectionSummary, 'instructors'>;
};

export interface StudentRecord {
  id: string;
  name: string;
  email: string;
  classStanding: ClassStanding;
  programCode: string | null;
  creditsEarned: number;
  advisorId: string | null;
  advisorName: string | null;
}

/** What the process keeps of a section (registration.catalog-cache.ts). */
export interface SectionCatalogFacts {
  meetings: MeetingFact[];
  instructors: string[];
  linkedSiblings: SectionFact['linkedSiblings'];
}

/** A term's and some sections' catalog facts, all read at one version. */
export interface CatalogFacts {
  term: TermFact;
  ticketRules: TimeTicketRuleFact[];
  sections: ReadonlyMap<string, SectionCatalogFacts>;
}

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: Record<string, unknown>;
}

export interface GatheredFacts {
  /** The rules' input. */
  facts: RegistrationFacts;
  student: StudentRecord;
  term: TermFact;
  targets: TargetSection[];
  current: CurrentRegistration[];
  /** The registration the request names (drop, accept, swap), whatever its status. */
  anchor: RegistrationRecord | null;
  /** Billing: the term's tuition facts (undefined when the term charges nothing). */
  billing: BillingFacts | undefined;
  idempotency: StoredResponse | null;
  /** The session named in the input is live and its user holds the role (true if none named). */
  sessionLive: boolean;
}

// ---------------------------------------------------------------------------------------------
// SQL fragments (constant text; values always go in as parameters)

const MEETINGS_JSON = `(select coalesce(json_agg(json_build_object('days', m.days,
    'startTime', to_char(m.start_time, 'HH24:MI'), 'endTime', to_char(m.end_time, 'HH24:MI'),
    'location', m.location, 'startDate', m.start_date::text, 'endDate', m.end_date::text)
    order by m.start_date nulls first, m.days, m.start_time, m.id), '[]'::json)
  from section_meetings m where m.section_id = s.id)`;

/**
 * The keys and values of a section summary of `sections s join courses c`, in three widths: its
 * columns (no subquery), with meetings, and with instructors too. Built as `json`, not `jsonb`:
 * every registration statement returns these as text, and jsonb would build a binary object only
 * to print it again.
 */
const SECTION_ROW_FIELDS = `'id', s.id, 'code', c.code || ' ' || s.section_code,
  'crn', s.crn, 'termId', s.term_id, 'courseId', c.id, 'courseCode', c.code,
  'title', coalesce(s.title, c.title), 'kind', s.kind, 'linkedGroup', s.linked_group,
  'credits', coalesce(s.credits, c.credits_min), 'status', s.status`;
const SECTION_CORE_FIELDS = `${SECTION_ROW_FIELDS}, 'meetings', ${MEETINGS_JSON}`;
const INSTRUCTORS_JSON = `(select coalesce(json_agg(i.name order by i.position), '[]'::json)
    from section_instructors i where i.section_id = s.id)`;
const SECTION_SUMMARY_FIELDS = `${SECTION_CORE_FIELDS}, 'instructors', ${INSTRUCTORS_JSON}`;

/** Active sections of the same course, term and linked group as section `s`/`c`. */
const LINKED_SIBLINGS_JSON = `(select coalesce(json_agg(json_build_object('id', o.id,
        'code', c.code || ' ' || o.section_code, 'kind', o.kind) order by o.section_code), '[]'::json)
      from sections o where s.linked_group is not null and o.term_id = s.term_id
        and o.course_id = s.course_id and o.linked_group = s.linked_group and o.id <> s.id
        and o.status = 'active')`;

/** What the process keeps of a section (CatalogFactsCache), as JSON. */
const SECTION_CATALOG_JSON = `json_build_object('id', s.id, 'meetings', ${MEETINGS_JSON},
  'instructors', ${INSTRUCTORS_JSON}, 'linkedSiblings', ${LINKED_SIBLINGS_JSON})`;

/** The version of the facts CatalogFactsCache keeps (migration 2026_12_07_2230). */
const CATALOG_VERSION_SQL = `(select cv.xmin::text || ':' || cv.version from catalog_version cv)`;

/** Term `t` as the rules see it. */
const TERM_JSON = `json_build_object('id', t.id, 'code', t.code, 'name', t.name,
  'timeZone', t.time_zone, 'startsOn', t.starts_on::text, 'endsOn', t.ends_on::text,
  'registrationOpensAt', t.registration_opens_at,
  'registrationClosesAt', t.registration_closes_at,
  'addDropDeadline', t.add_drop_deadline, 'withdrawDeadline', t.withdraw_deadline,
  'minCredits', t.min_credits, 'maxCredits', t.max_credits,
  'claimWindowHours', t.claim_window_hours)`;

/** Section summary of `sections s join courses c`. */
const SECTION_SUMMARY_JSON = `json_build_object(${SECTION_SUMMARY_FIELDS})`;

/** Members of reservation `rs` holding a seat in its section. */
const RESERVATION_TAKEN = `(select count(*) from registrations r2
    join students st2 on st2.user_id = r2.student_id
    where r2.section_id = rs.section_id and r2.status in ('enrolled','offered','pending_payment')
      and case rs.group_kind
        when 'class_standing' then st2.class_standing = rs.group_value
        when 'program' then upper(coalesce(st2.program_code, '')) = upper(rs.group_value)
        else exists (select 1 from permits p2 where p2.section_id = rs.section_id
          and p2.student_id = r2.student_id and p2.revoked_at is null)
      end)`;

/**
 * Everything about a requested section that can change during registration (the catalog facts
 * the process keeps are added by gatherFacts); `$student` is the student asking.
 */
function targetSectionJson(studentParam: RawBuilder<unknown> | string): RawBuilder<unknown> {
  return sql`json_build_object(${sql.raw(SECTION_ROW_FIELDS)},
    'courseTitle', c.title, 'capacity', s.capacity, 'waitlistCapacity', s.waitlist_capacity,
    'enrolled', s.enrolled, 'waitlisted', s.waitlisted, 'waitlistMode', s.waitlist_mode,
    'prerequisites', c.prerequisites, 'corequisites', c.corequisites, 'restrictions', c.restrictions,
    'reservedSeats', (select coalesce(json_agg(json_build_object('id', rs.id,
        'groupKind', rs.group_kind, 'groupValue', rs.group_value, 'label', rs.label,
        'seats', rs.seats, 'until', rs.until, 'taken', ${sql.raw(RESERVATION_TAKEN)}) order by rs.id), '[]'::json)
      from section_reserved_seats rs where rs.section_id = s.id),
    'permits', (select coalesce(json_agg(json_build_object('overrides', p.overrides,
        'grantedBy', case when exists (select 1 from section_instructors si
          where si.section_id = p.section_id and si.user_id = p.granted_by)
          then 'instructor' else 'admin' end)), '[]'::json)
      from permits p where p.section_id = s.id and p.student_id = ${studentParam}
        and p.revoked_at is null))`;
}

/** A registration row `r` with the given JSON of its section `s`/`c`. */
const registrationJson = (sectionJson: string) => `json_build_object('id', r.id,
  'studentId', r.student_id,
  'sectionId', r.section_id, 'termId', r.term_id, 'status', r.status, 'credits', r.credits,
  'joinedAt', r.joined_at, 'offerExpiresAt', r.offer_expires_at,
  'swapDropRegistrationId', r.swap_drop_registration_id, 'overrides', r.overrides,
  'droppedAt', r.dropped_at, 'dropReason', r.drop_reason, 'section', ${sectionJson})`;

/** A registration row `r` with its section `s`/`c`. */
const REGISTRATION_JSON = registrationJson(SECTION_SUMMARY_JSON);

/**
 * A student's registration as the facts statement returns it: its section's meetings come from
 * the process's catalog facts, and without instructors, which neither the rules nor any answer
 * built from these records show.
 */
const CURRENT_REGISTRATION_JSON = registrationJson(`json_build_object(${SECTION_ROW_FIELDS})`);

// ---------------------------------------------------------------------------------------------
// Mapping JSON to shapes

type Json = Record<string, unknown>;

const toDate = (value: unknown): Date => new Date(value as string);
const toDateOrNull = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string);

function toMeeting(json: Json): MeetingFact {
  return {
    days: (json.days as string | null) ?? null,
    startTime: (json.startTime as string | null) ?? null,
    endTime: (json.endTime as string | null) ?? null,
    location: (json.location as string | null) ?? null,
    startDate: (json.startDate as string | null) ?? null,
    endDate: (json.endDate as string | null) ?? null,
  };
}

export function toSectionSummary(json: Json): SectionSummary {
  return { ...toSectionCore(json), instructors: (json.instructors as string[] | null) ?? [] };
}

function toSectionCore(json: Json): Omit<SectionSummary, 'instructors'> {
  return { ...toSectionRow(json), meetings: ((json.meetings as Json[] | null) ?? []).map(toMeeting) };
}

function toSectionRow(json: Json): Omit<SectionSummary, 'instructors' | 'meetings'> {
  return {
    id: json.id as string,
    code: json.code as string,
    crn: json.crn as string,
    termId: json.termId as string,
    courseId: json.courseId as string,
    courseCode: json.courseCode as string,
    title: json.title as string,
    kind: json.kind as string,
    linkedGroup: (json.linkedGroup as string | null) ?? null,
    credits: Number(json.credits),
    status: json.status as 'active' | 'cancelled',
  };
}

function toTargetSection(json: Json, catalog: SectionCatalogFacts): TargetSection {
  return {
    ...toSectionRow(json),
    meetings: catalog.meetings,
    instructors: catalog.instructors,
    linkedSiblings: catalog.linkedSiblings,
    courseTitle: json.courseTitle as string,
    capacity: Number(json.capacity),
    waitlistCapacity: Number(json.waitlistCapacity),
    enrolled: Number(json.enrolled),
    waitlisted: Number(json.waitlisted),
    waitlistMode: json.waitlistMode as 'auto' | 'claim',
    prerequisites: (json.prerequisites as string | null) ?? null,
    corequisites: (json.corequisites as string | null) ?? null,
    restrictions: (json.restrictions as SectionFact['restrictions'] | null) ?? {},
    reservedSeats: ((json.reservedSeats as Json[] | null) ?? []).map((r) => ({
      id: r.id as string,
      groupKind: r.groupKind as 'class_standing' | 'program' | 'cohort',
      groupValue: r.groupValue as string,
      label: r.label as string,
      seats: Number(r.seats),
      until: toDateOrNull(r.until),
      taken: Number(r.taken),
    })),
    permits: ((json.permits as Json[] | null) ?? []).map((p) => ({
      overrides: p.overrides as string[],
      grantedBy: p.grantedBy as 'instructor' | 'admin',
    })),
  };
}

export function toRegistrationRecord(json: Json): RegistrationRecord {
  return { ...toRegistrationFields(json), section: toSectionSummary(json.section as Json) };
}

function toCurrentRegistration(json: Json, catalog: CatalogFacts): CurrentRegistration {
  const section = toSectionRow(json.section as Json);
  return {
    ...toRegistrationFields(json),
    section: { ...section, meetings: catalog.sections.get(section.id)!.meetings },
  };
}

function toRegistrationFields(json: Json): Omit<RegistrationRecord, 'section'> {
  return {
    id: json.id as string,
    studentId: json.studentId as string,
    sectionId: json.sectionId as string,
    termId: json.termId as string,
    status: json.status as RegistrationStatus,
    credits: Number(json.credits),
    joinedAt: toDate(json.joinedAt),
    offerExpiresAt: toDateOrNull(json.offerExpiresAt),
    swapDropRegistrationId: (json.swapDropRegistrationId as string | null) ?? null,
    overrides: (json.overrides as string[] | null) ?? [],
    droppedAt: toDateOrNull(json.droppedAt),
    dropReason: (json.dropReason as string | null) ?? null,
  };
}

function toTerm(json: Json): TermFact {
  return {
    id: json.id as string,
    code: json.code as string,
    name: json.name as string,
    timeZone: json.timeZone as string,
    startsOn: json.startsOn as string,
    endsOn: json.endsOn as string,
    registrationOpensAt: toDate(json.registrationOpensAt),
    registrationClosesAt: toDate(json.registrationClosesAt),
    addDropDeadline: toDate(json.addDropDeadline),
    withdrawDeadline: toDate(json.withdrawDeadline),
    minCredits: Number(json.minCredits),
    maxCredits: Number(json.maxCredits),
    claimWindowHours:
      json.claimWindowHours === null || json.claimWindowHours === undefined
        ? null
        : Number(json.claimWindowHours),
  };
}

export function toCurrentFact(record: CurrentRegistration): CurrentRegistrationFact {
  return {
    id: record.id,
    status: record.status as LiveStatus,
    credits: record.credits,
    section: record.section,
  };
}

// ---------------------------------------------------------------------------------------------
// The catalog facts the process keeps

/**
 * The term's dates and time-ticket rules and the meetings, instructors and linked siblings of
 * the given sections (or of every section of the term), with the version they were read at, in
 * one statement (one snapshot).
 */
export async function loadCatalogFacts(
  db: Executor,
  termId: string,
  sections: readonly string[] | 'whole term',
): Promise<CatalogFacts & { version: string }> {
  const which =
    sections === 'whole term'
      ? sql`s.term_id = ${termId}::uuid`
      : sql`s.id = any(${[...sections]}::uuid[])`;
  const result = await sql<{
    version: string;
    term: Json | null;
    ticket_rules: Json[];
    sections: Json[];
  }>`
    select ${sql.raw(CATALOG_VERSION_SQL)} as version,
      (select ${sql.raw(TERM_JSON)} from terms t where t.id = ${termId}::uuid) as term,
      (select coalesce(json_agg(json_build_object('minCreditsEarned', r.min_credits_earned,
          'classStanding', r.class_standing, 'opensAt', r.opens_at) order by r.position), '[]'::json)
        from time_ticket_rules r where r.term_id = ${termId}::uuid) as ticket_rules,
      (select coalesce(json_agg(${sql.raw(SECTION_CATALOG_JSON)}), '[]'::json)
        from sections s join courses c on c.id = s.course_id where ${which}) as sections`.execute(db);
  const row = result.rows[0]!;
  if (!row.term) throw new Error(`Term ${termId} vanished while its facts were read.`);
  return {
    version: row.version,
    term: toTerm(row.term),
    ticketRules: row.ticket_rules.map((r) => ({
      minCreditsEarned:
        r.minCreditsEarned === null || r.minCreditsEarned === undefined
          ? null
          : Number(r.minCreditsEarned),
      classStanding: (r.classStanding as string | null) ?? null,
      opensAt: toDate(r.opensAt),
    })),
    sections: new Map(
      row.sections.map((json) => [
        json.id as string,
        {
          meetings: ((json.meetings as Json[] | null) ?? []).map(toMeeting),
          instructors: (json.instructors as string[] | null) ?? [],
          linkedSiblings: (json.linkedSiblings as SectionFact['linkedSiblings'] | null) ?? [],
        },
      ]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Statement 1: lock the student and gather the facts

export interface GatherFactsInput {
  studentId: string;
  /** The term, when the request names it (cart); otherwise taken from the anchor. */
  termId?: string | undefined;
  /** Sections the rules will judge (their term is the term when termId is absent). */
  sectionIds: readonly string[];
  /** A registration the request is about (drop, accept, swap). */
  registrationId?: string | undefined;
  idempotency?: { userId: string; key: string; since: Date } | undefined;
  /** The process's pricing facts, checked against the version the statement reads. */
  billingFacts: BillingFactsCache;
  /** The process's catalog facts, checked against the version the statement reads. */
  catalogFacts: CatalogFactsCache;
  /** A session to check in the same statement (http/auth.ts PendingSession). */
  session?: { sessionId: string; userId: string; role: string } | undefined;
  now: Date;
}

interface FactsRow {
  session_live: boolean;
  locked_version: number;
  seen_version: number | null;
  student_opens_at: Date | string | null;
  term_id: string;
  catalog_version: string;
  student: Json;
  holds: Json[];
  /** [course code, grade] pairs: a student's record is dozens of rows, read on every request. */
  transcript: [string, string][];
  in_progress_elsewhere: string[];
  current: Json[];
  targets: Json[];
  anchor: Json | null;
  billing_version: string | null;
  idempotency: Json | null;
}

/**
 * Upserts and locks the student's term row, then returns every fact, in one statement. A
 * statement that waited for the lock still reads from the snapshot it started with, so the row's
 * version tells whether another transaction committed meanwhile; if so the facts are read again
 * (now under the lock, so the second read is current).
 */
export async function gatherFacts(
  tx: Transaction<DB>,
  input: GatherFactsInput,
): Promise<GatheredFacts | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await selectFacts(tx, input);
    if (!row) return undefined;
    if (Number(row.locked_version) === Number(row.seen_version ?? 0) + 1) {
      const sectionIds = new Set<string>();
      for (const target of row.targets) sectionIds.add(target.id as string);
      for (const current of row.current) sectionIds.add(current.sectionId as string);
      const catalog = await input.catalogFacts.resolve(
        tx,
        row.catalog_version,
        row.term_id,
        sectionIds,
      );
      const billing = await input.billingFacts.resolve(tx, row.term_id, row.billing_version);
      return toGathered(row, catalog, billing, input.now);
    }
  }
  throw new RetryTransactionError('the student row kept changing');
}

async function selectFacts(
  tx: Transaction<DB>,
  input: GatherFactsInput,
): Promise<FactsRow | undefined> {
  const student = sql`${input.studentId}::uuid`;
  const sectionIds = [...input.sectionIds];
  const anchorSection = sectionIds[0] ?? null;
  const registrationId = input.registrationId ?? null;
  // Parts a request has no use for are left out of the statement rather than fed nulls: each
  // variant is its own cached plan, and a plan's every node is initialised on each call whether
  // it reads a row or not (the fact statement's largest cost in PostgreSQL).
  const targets =
    sectionIds.length === 0
      ? sql`'[]'::json`
      : sql`(select coalesce(json_agg(${targetSectionJson(student)}
          order by array_position(${sectionIds}::uuid[], s.id)), '[]'::json)
        from sections s join courses c on c.id = s.course_id
        where s.id = any(${sectionIds}::uuid[]))`;
  const anchor =
    registrationId === null
      ? sql`null::json`
      : sql`(select ${sql.raw(REGISTRATION_JSON)}
        from registrations r join sections s on s.id = r.section_id
        join courses c on c.id = s.course_id
        where r.id = ${registrationId}::uuid and r.student_id = ${student})`;
  const idem = input.idempotency;
  const idempotency = idem
    ? sql`(select json_build_object('requestHash', k.request_hash, 'statusCode', k.status_code,
          'response', k.response)
        from idempotency_keys k
        where k.user_id = ${idem.userId}::uuid and k.key = ${idem.key}::text
          and k.created_at > ${idem.since}::timestamptz)`
    : sql`null::json`;
  const session = input.session;
  const sessionLive = session
    ? sql`exists (select 1 from sessions ss join users su on su.id = ss.user_id
        where ss.id = ${session.sessionId}::uuid and ss.user_id = ${session.userId}::uuid
          and ss.revoked_at is null and ss.expires_at > now() and su.disabled_at is null
          and ${session.role}::text = any(su.roles))`
    : sql`true`;
  // CACHED_PLAN_MARK (db/database.ts): planned once per connection; planning this statement
  // cost PostgreSQL 20-35 ms a call, ten times running it.
  const result = await sql<FactsRow>`
    /* cached-plan */
    with params as (
      select ${student} as student_id,
        coalesce(${input.termId ?? null}::uuid,
          (select term_id from sections where id = ${anchorSection}::uuid),
          (select term_id from registrations where id = ${registrationId}::uuid)) as term_id
    ),
    locked as (
      insert into student_terms (student_id, term_id)
      select p.student_id, p.term_id from params p
      where p.term_id is not null
        and exists (select 1 from students where user_id = p.student_id)
        and exists (select 1 from terms where id = p.term_id)
      on conflict (student_id, term_id) do update set version = student_terms.version + 1
      returning version, opens_at, term_id
    )
    select
      l.version as locked_version,
      (select st.version from student_terms st
        where st.student_id = ${student} and st.term_id = l.term_id) as seen_version,
      l.opens_at as student_opens_at,
      l.term_id,
      -- Only the version of the term's dates, its time-ticket rules and the sections' meetings,
      -- instructors and linked siblings: the process keeps them (registration.catalog-cache.ts).
      ${sql.raw(CATALOG_VERSION_SQL)} as catalog_version,
      (select json_build_object('id', s.user_id, 'name', u.name, 'email', u.email,
          'classStanding', s.class_standing, 'programCode', s.program_code,
          'creditsEarned', s.credits_earned, 'advisorId', s.advisor_id, 'advisorName', a.name)
        from students s join users u on u.id = s.user_id left join users a on a.id = s.advisor_id
        where s.user_id = ${student}) as student,
      (select coalesce(json_agg(json_build_object('id', h.id, 'type', h.type, 'reason', h.reason,
          'blocksRegistration', h.blocks_registration, 'placedByName', pu.name)
          order by h.placed_at, h.id), '[]'::json)
        from holds h left join users pu on pu.id = h.placed_by
        where h.student_id = ${student} and h.lifted_at is null) as holds,
      (select coalesce(json_agg(json_build_array(te.course_code, te.grade)), '[]'::json)
        from transcript_entries te where te.student_id = ${student}) as transcript,
      (select coalesce(json_agg(distinct c.code), '[]'::json)
        from registrations r join sections s on s.id = r.section_id
        join courses c on c.id = s.course_id join terms t on t.id = r.term_id
        where r.student_id = ${student} and r.term_id <> l.term_id
          and r.status in ${SEAT_STATUSES_SQL}
          and t.starts_on < (select starts_on from terms where id = l.term_id)
          and not exists (select 1 from transcript_entries te where te.student_id = r.student_id
            and te.course_code = c.code and te.term_code = t.code)) as in_progress_elsewhere,
      (select coalesce(json_agg(${sql.raw(CURRENT_REGISTRATION_JSON)} order by r.joined_at, r.id),
          '[]'::json)
        from registrations r join sections s on s.id = r.section_id
        join courses c on c.id = s.course_id
        where r.student_id = ${student} and r.term_id = l.term_id
          and r.status in ${LIVE_STATUSES_SQL}) as current,
      ${targets} as targets,
      ${anchor} as anchor,
      -- Only the version of the term's pricing facts: the facts are kept by the process
      -- (billing.facts-cache.ts) and read again only when it changes.
      ${billingVersionSql(sql`l.term_id`)} as billing_version,
      ${idempotency} as idempotency,
      -- The request's session, when the guard left it to this statement (saves a round trip).
      ${sessionLive} as session_live
    from locked l`.execute(tx);
  return result.rows[0];
}

function toGathered(
  row: FactsRow,
  catalog: CatalogFacts,
  billing: BillingFacts | undefined,
  now: Date,
): GatheredFacts {
  const term = catalog.term;
  const s = row.student;
  const student: StudentRecord = {
    id: s.id as string,
    name: s.name as string,
    email: s.email as string,
    classStanding: s.classStanding as ClassStanding,
    programCode: (s.programCode as string | null) ?? null,
    creditsEarned: Number(s.creditsEarned),
    advisorId: (s.advisorId as string | null) ?? null,
    advisorName: (s.advisorName as string | null) ?? null,
  };
  const current = row.current.map((json) => toCurrentRegistration(json, catalog));
  const facts: RegistrationFacts = {
    now,
    term,
    student: {
      id: student.id,
      name: student.name,
      classStanding: student.classStanding,
      programCode: student.programCode,
      creditsEarned: student.creditsEarned,
      advisorName: student.advisorName,
    },
    timeTicket: {
      studentOpensAt: toDateOrNull(row.student_opens_at),
      rules: catalog.ticketRules,
    },
    holds: row.holds.map((h) => ({
      id: h.id as string,
      type: h.type as HoldFact['type'],
      reason: h.reason as string,
      blocksRegistration: h.blocksRegistration as boolean,
      placedByName: (h.placedByName as string | null) ?? null,
    })),
    transcript: row.transcript.map(([courseCode, grade]) => ({ courseCode, grade })),
    inProgressElsewhere: row.in_progress_elsewhere,
    current: current.map(toCurrentFact),
  };
  const idem = row.idempotency;
  return {
    facts,
    student,
    term,
    targets: row.targets.map((json) => toTargetSection(json, catalog.sections.get(json.id as string)!)),
    current,
    anchor: row.anchor ? toRegistrationRecord(row.anchor) : null,
    billing,
    sessionLive: row.session_live,
    idempotency: idem
      ? {
          requestHash: idem.requestHash as string,
          statusCode: Number(idem.statusCode),
          response: idem.response as Record<string, unknown>,
        }
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Audit, notices and idempotency rows (written inside the statements below)

export interface AuditRow {
  id: string;
  at: Date;
  actorId: string | null;
  studentId: string | null;
  sectionId: string | null;
  termId: string | null;
  registrationId: string | null;
  action: string;
  outcome: string;
  blockerCodes: string[];
  details: Record<string, unknown>;
  requestId: string | null;
}

export interface NotificationRow {
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

export interface IdempotencyWrite {
  userId: string;
  key: string;
  requestHash: string;
  /** Records older than this may be replaced (the 24 h window). */
  expiredBefore: Date;
  at: Date;
}

function auditJson(rows: readonly AuditRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor_id: r.actorId,
      student_id: r.studentId,
      section_id: r.sectionId,
      term_id: r.termId,
      registration_id: r.registrationId,
      action: r.action,
      outcome: r.outcome,
      blocker_codes: r.blockerCodes,
      details: r.details,
      request_id: r.requestId,
    })),
  );
}

/** A CTE that inserts audit rows given as one JSON parameter. */
function auditCte(rows: readonly AuditRow[]): RawBuilder<unknown> {
  return sql`audit as (
    insert into registration_audit (id, at, actor_id, student_id, section_id, term_id,
      registration_id, action, outcome, blocker_codes, details, request_id)
    select x.id, x.at, x.actor_id, x.student_id, x.section_id, x.term_id, x.registration_id,
      x.action, x.outcome, x.blocker_codes, coalesce(x.details, '{}'::jsonb), x.request_id
    from jsonb_to_recordset(${auditJson(rows)}::jsonb) as x(id uuid, at timestamptz,
      actor_id uuid, student_id uuid, section_id uuid, term_id uuid, registration_id uuid,
      action text, outcome text, blocker_codes text[], details jsonb, request_id text)
  )`;
}

function notificationsCte(rows: readonly NotificationRow[]): RawBuilder<unknown> {
  const json = JSON.stringify(
    rows.map((n) => ({
      id: n.id,
      user_id: n.userId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      data: n.data,
      created_at: n.createdAt.toISOString(),
    })),
  );
  return sql`notices as (
    insert into notifications (id, user_id, kind, title, body, data, created_at)
    select x.id, x.user_id, x.kind, x.title, x.body, coalesce(x.data, '{}'::jsonb), x.created_at
    from jsonb_to_recordset(${json}::jsonb) as x(id uuid, user_id uuid, kind text, title text,
      body text, data jsonb, created_at timestamptz)
  )`;
}

/**
 * `, notices as (…)` when there are notices, else nothing: an empty insert would still be
 * initialised on every call, the table's indexes opened (a refusal or a student's own drop has none).
 */
function andNotificationsCte(rows: readonly NotificationRow[]): RawBuilder<unknown> {
  return rows.length > 0 ? sql`, ${notificationsCte(rows)}` : sql``;
}

/** Audit rows, notices and (optionally) a stored response, in one statement. */
export async function insertRecords(
  db: Executor,
  records: {
    audit?: readonly AuditRow[];
    notifications?: readonly NotificationRow[];
    idempotency?: (IdempotencyWrite & { statusCode: number; response: unknown }) | undefined;
  },
  options: { commit?: boolean } = {},
): Promise<void> {
  const audit = records.audit ?? [];
  const notices = records.notifications ?? [];
  const idem = records.idempotency;
  if (audit.length === 0 && notices.length === 0 && !idem) return;
  await sql`
    /* cached-plan */ -- a refusal's whole write: planned once per connection
    ${commitAfter(options.commit)}
    with ${audit.length > 0 ? sql`${auditCte(audit)}, ` : sql``}idem as (
      insert into idempotency_keys (user_id, key, request_hash, status_code, response, created_at)
      select ${idem?.userId ?? null}::uuid, ${idem?.key ?? null}::text,
        ${idem?.requestHash ?? null}::text, ${idem?.statusCode ?? null}::int,
        ${idem ? JSON.stringify(idem.response) : null}::jsonb, ${idem?.at ?? null}::timestamptz
      where ${idem?.key ?? null}::text is not null
      on conflict (user_id, key) do update set request_hash = excluded.request_hash,
        status_code = excluded.status_code, response = excluded.response,
        created_at = excluded.created_at
        where idempotency_keys.created_at <= ${idem?.expiredBefore ?? null}::timestamptz
      returning 1
    )${andNotificationsCte(notices)}
    select ${idempotencyStoredOrRetry(idem?.key)}`.execute(db);
}

/**
 * Marks the last statement of a transaction to commit in its own round trip (COMMIT_AFTER_MARK,
 * db/pipelined-client.ts); on PGlite it is only a comment and the transaction commits as usual.
 */
function commitAfter(commit: boolean | undefined): RawBuilder<unknown> {
  return sql.raw(commit ? COMMIT_AFTER_MARK : '');
}

/**
 * The statement's last column: if a key was given but the `idem` CTE stored nothing, another
 * request with the same key committed first. The statement then fails with a serialization
 * failure (registration_retry), so the transaction rolls back even when it was to commit in the
 * same round trip, and the retry replays the stored answer.
 */
function idempotencyStoredOrRetry(key: string | undefined): RawBuilder<unknown> {
  return sql`case when ${key ?? null}::text is not null and not exists (select 1 from idem)
    then registration_retry('idempotency key taken concurrently') else 1 end as stored`;
}

// ---------------------------------------------------------------------------------------------
// Statement 2: take the seat

export interface TakeSeatInput {
  registrationId: string;
  studentId: string;
  sectionId: string;
  termId: string;
  credits: number;
  overrides: readonly string[];
  /** Enrol even when full (the capacity override or permit). */
  ignoreCapacity: boolean;
  /** Join the wait-list when no seat is free (if it has room). */
  allowWaitlist: boolean;
  /** Reserved-seat rules this student is not a member of: their unused seats are off limits. */
  heldReservationIds: readonly string[];
  swapDropRegistrationId: string | null;
  actorId: string;
  now: Date;
  /** Billing, pay-to-enrol terms: a seat taken is held as pending_payment until then. */
  holdUntil?: Date | null | undefined;
  audit: Omit<AuditRow, 'outcome' | 'registrationId' | 'blockerCodes'>;
  /** Commit in the same round trip: nothing else follows in the transaction. */
  commit?: boolean | undefined;
  /** Take the section out of the student's cart if it is registered (enrolled or wait-listed). */
  removeFromCart?: boolean | undefined;
  /** Billing: what taking the seat costs, posted only if a seat (not a wait-list place) is taken. */
  charges?: readonly NewLedgerEntry[] | undefined;
  /** Stored with the response in the same statement (single-section requests). */
  idempotency?:
    | (IdempotencyWrite & {
        /** The response's registration without status and position, which the database decides. */
        registrationView: Record<string, unknown>;
        fullBody: Record<string, unknown>;
        cancelledBody: Record<string, unknown>;
      })
    | undefined;
}

export type SeatOutcome = 'enrolled' | 'waitlisted' | 'full' | 'cancelled';

export interface TakeSeatResult {
  outcome: SeatOutcome;
  /** Position on the wait-list when wait-listed (the counter after joining). */
  waitlistPosition: number | null;
  joinedAt: Date | null;
  /** Whether the seat went beyond capacity (the capacity override was used). */
  overCapacity: boolean;
  /** The response as stored for the Idempotency-Key (exactly what a replay returns). */
  storedResponse: Record<string, unknown> | null;
  /** Billing: the seat is held as pending_payment (outcome stays 'enrolled' for the counters). */
  held: boolean;
}

/** Unused seats held for reservations the student is not part of, under the section lock. */
function heldSeatsSql(ids: readonly string[]): RawBuilder<number> {
  if (ids.length === 0) return sql<number>`0`;
  return sql<number>`(select coalesce(sum(greatest(0, rs.seats - ${sql.raw(RESERVATION_TAKEN)})), 0)
    from section_reserved_seats rs where rs.id = any(${[...ids]}::uuid[]))`;
}

/**
 * Locks the section row, decides seat / wait-list / full on its current counters, and in the same
 * statement bumps the counter, inserts the registration and the audit entry, and stores the
 * idempotent response. A refusal here (the section filled since the facts were read) is audited
 * by the same statement.
 */
export async function takeSeat(tx: Transaction<DB>, input: TakeSeatInput): Promise<TakeSeatResult> {
  // A cart removal or ledger insert the request does not need is left out of the statement: its
  // node would be initialised (and the table's indexes opened) on every call anyway.
  const cart =
    input.removeFromCart === true
      ? sql`cart as (
      delete from cart_items where student_id = ${input.studentId}::uuid
        and section_id = ${input.sectionId}::uuid and exists (select 1 from reg)
    ),`
      : sql``;
  const charges =
    input.charges && input.charges.length > 0
      ? sql`charges as (
      ${ledgerEntriesInsertSql(input.charges, sql<boolean>`exists (select 1 from seat where seat.outcome = 'enrolled')`)}
    ),`
      : sql``;
  const idem = input.idempotency;
  const hold = input.holdUntil ?? null;
  const audit = input.audit;
  const result = await sql<{
    outcome: SeatOutcome;
    status: string | null;
    waitlisted: number | null;
    joined_at: Date | string | null;
    over_capacity: boolean | null;
    stored_response: Record<string, unknown> | null;
  }>`
    /* cached-plan */ -- planned once per connection (CACHED_PLAN_MARK, db/database.ts)
    ${commitAfter(input.commit)}
    with target as (
      select s.id,
        case
          when s.status <> 'active' then 'cancelled'
          when ${input.ignoreCapacity}::boolean
            or s.enrolled < s.capacity - ${heldSeatsSql(input.heldReservationIds)} then 'enrolled'
          when ${input.allowWaitlist}::boolean and s.waitlisted < s.waitlist_capacity
            then 'waitlisted'
          else 'full'
        end as outcome
      from sections s where s.id = ${input.sectionId}::uuid
      for update
    ),
    seat as (
      update sections s set
        enrolled = s.enrolled + (t.outcome = 'enrolled')::int,
        waitlisted = s.waitlisted + (t.outcome = 'waitlisted')::int
      from target t
      where s.id = t.id and t.outcome in ('enrolled', 'waitlisted')
      returning t.outcome, s.enrolled, s.waitlisted, s.capacity
    ),
    reg as (
      insert into registrations (id, student_id, section_id, term_id, status, credits, overrides,
        swap_drop_registration_id, created_by, created_at, updated_at, enrolled_at,
        offer_expires_at)
      select ${input.registrationId}::uuid, ${input.studentId}::uuid, ${input.sectionId}::uuid,
        ${input.termId}::uuid,
        case when seat.outcome = 'enrolled' and ${hold}::timestamptz is not null
          then 'pending_payment' else seat.outcome end,
        ${input.credits},
        case when seat.outcome = 'enrolled' and seat.enrolled > seat.capacity
            and not ('capacity' = any(${[...input.overrides]}::text[]))
          then array_append(${[...input.overrides]}::text[], 'capacity')
          else ${[...input.overrides]}::text[] end,
        case when seat.outcome = 'waitlisted' then ${input.swapDropRegistrationId}::uuid end,
        ${input.actorId}::uuid, ${input.now}, ${input.now},
        case when seat.outcome = 'enrolled' and ${hold}::timestamptz is null
          then ${input.now}::timestamptz end,
        case when seat.outcome = 'enrolled' then ${hold}::timestamptz end
      from seat
      returning id, status, joined_at
    ),
    audit as (
      insert into registration_audit (id, at, actor_id, student_id, section_id, term_id,
        registration_id, action, outcome, blocker_codes, details, request_id)
      select ${audit.id}::uuid, ${audit.at}, ${audit.actorId}::uuid, ${audit.studentId}::uuid,
        ${audit.sectionId}::uuid, ${audit.termId}::uuid, reg.id, ${audit.action},
        coalesce(reg.status, 'refused'),
        case when reg.id is null
          then array[case t.outcome when 'cancelled' then 'section_cancelled' else 'section_full' end]
          else '{}'::text[] end,
        ${JSON.stringify(audit.details)}::jsonb, ${audit.requestId}
      from target t left join reg on true
    ),
    ${cart}
    ${charges}
    idem as (
      insert into idempotency_keys (user_id, key, request_hash, status_code, response, created_at)
      select ${idem?.userId ?? null}::uuid, ${idem?.key ?? null}::text,
        ${idem?.requestHash ?? null}::text,
        case when reg.id is null then 422 else 201 end,
        case
          when reg.id is null and t.outcome = 'cancelled'
            then ${idem ? JSON.stringify(idem.cancelledBody) : null}::jsonb
          when reg.id is null then ${idem ? JSON.stringify(idem.fullBody) : null}::jsonb
          else jsonb_build_object('registration',
            ${idem ? JSON.stringify(idem.registrationView) : null}::jsonb
              || jsonb_build_object('status', reg.status)
              || case when reg.status = 'waitlisted'
                   then jsonb_strip_nulls(jsonb_build_object('waitlistPosition', seat.waitlisted,
                     'swapDropRegistrationId', ${input.swapDropRegistrationId}::uuid))
                   when reg.status = 'pending_payment'
                   then jsonb_build_object('offerExpiresAt', ${hold?.toISOString() ?? null}::text)
                   else '{}'::jsonb end)
        end,
        ${idem?.at ?? null}::timestamptz
      from target t left join seat on true left join reg on true
      where ${idem?.key ?? null}::text is not null
      on conflict (user_id, key) do update set request_hash = excluded.request_hash,
        status_code = excluded.status_code, response = excluded.response,
        created_at = excluded.created_at
        where idempotency_keys.created_at <= ${idem?.expiredBefore ?? null}::timestamptz
      returning response
    )
    select t.outcome, reg.status, seat.waitlisted, reg.joined_at,
      seat.enrolled > seat.capacity as over_capacity,
      ${idempotencyStoredOrRetry(idem?.key)}, (select response from idem) as stored_response
    from target t left join seat on true left join reg on true`.execute(tx);
  const row = result.rows[0];
  if (!row) throw new RetryTransactionError('the section disappeared');
  return {
    outcome: row.outcome,
    waitlistPosition: row.outcome === 'waitlisted' ? Number(row.waitlisted) : null,
    joinedAt: toDateOrNull(row.joined_at),
    overCapacity: row.over_capacity === true,
    storedResponse: row.stored_response ?? null,
    held: row.status === 'pending_payment',
  };
}

// ---------------------------------------------------------------------------------------------
// Releasing, promoting and accepting

export interface ReleaseInput {
  registrationId: string;
  sectionId: string;
  /** The status the caller saw; the update fails (and the transaction retries) if it changed. */
  expectedStatus: LiveStatus;
  newStatus: 'dropped' | 'withdrawn';
  reason: string;
  now: Date;
  audit: readonly AuditRow[];
  notifications?: readonly NotificationRow[];
  /** Billing: the drop's credits, posted by the same statement (no round trip of their own). */
  charges?: readonly NewLedgerEntry[] | undefined;
}

/**
 * Ends a live registration and frees its place. The section row is locked first (an InitPlan the
 * registration update depends on), so the order is the same as a cancellation's: section, then
 * registrations. Pending swaps that named this registration become plain wait-list entries.
 */
export async function releaseRegistration(
  tx: Transaction<DB>,
  input: ReleaseInput,
): Promise<{ waitlistedAfter: number }> {
  const seat = input.expectedStatus === 'waitlisted' ? 0 : 1;
  const waiting = input.expectedStatus === 'waitlisted' ? 1 : 0;
  const charges =
    input.charges && input.charges.length > 0
      ? sql`, charges as (
      ${ledgerEntriesInsertSql(input.charges, sql<boolean>`exists (select 1 from reg)`)}
    )`
      : sql``;
  const result = await sql<{ sections: number; registrations: number; waitlisted: number }>`
    /* cached-plan */ -- every drop runs it: planned once per connection (CACHED_PLAN_MARK)
    with sec as (
      update sections s set enrolled = s.enrolled - ${seat}::int,
        waitlisted = s.waitlisted - ${waiting}::int
      where s.id = ${input.sectionId}::uuid and s.status = 'active'
      returning s.id, s.waitlisted
    ),
    reg as (
      update registrations r set status = ${input.newStatus}, dropped_at = ${input.now},
        updated_at = ${input.now}, drop_reason = ${input.reason}, swap_drop_registration_id = null
      where r.id = ${input.registrationId}::uuid and r.status = ${input.expectedStatus}
        and exists (select 1 from sec)
      returning r.id
    ),
    unswap as (
      update registrations w set swap_drop_registration_id = null, updated_at = ${input.now}
      where w.swap_drop_registration_id = ${input.registrationId}::uuid
        and exists (select 1 from reg)
      returning w.id
    ),
    ${auditCte(input.audit)}${andNotificationsCte(input.notifications ?? [])}${charges}
    select (select count(*) from sec)::int as sections,
      (select count(*) from reg)::int as registrations,
      (select waitlisted from sec) as waitlisted`.execute(tx);
  const row = result.rows[0];
  if (!row || Number(row.sections) !== 1 || Number(row.registrations) !== 1) {
    throw new RetryTransactionError('the registration changed while it was being dropped');
  }
  return { waitlistedAfter: Number(row.waitlisted) };
}

export interface PromoteInput {
  registrationId: string;
  sectionId: string;
  /** pending_payment: a pay-to-enrol term's seat, held until `offerExpiresAt` unless paid. */
  newStatus: 'enrolled' | 'offered' | 'pending_payment';
  offerExpiresAt: Date | null;
  overrides: readonly string[];
  /** Claim-window offers keep a pending swap until the student accepts. */
  keepSwap: boolean;
  now: Date;
  audit: readonly AuditRow[];
  notifications: readonly NotificationRow[];
}

/** Moves a wait-listed registration onto a seat (enrolled, or offered for a claim window). */
export async function promoteRegistration(tx: Transaction<DB>, input: PromoteInput): Promise<void> {
  const result = await sql<{ sections: number; registrations: number }>`
    /* cached-plan */ -- every promotion runs it: planned once per connection (CACHED_PLAN_MARK)
    with sec as (
      update sections s set enrolled = s.enrolled + 1, waitlisted = s.waitlisted - 1
      where s.id = ${input.sectionId}::uuid
      returning s.id
    ),
    reg as (
      update registrations r set status = ${input.newStatus},
        offer_expires_at = ${input.offerExpiresAt}::timestamptz,
        enrolled_at = case when ${input.newStatus} = 'enrolled' then ${input.now}::timestamptz end,
        overrides = ${[...input.overrides]}::text[],
        swap_drop_registration_id = case when ${input.keepSwap}::boolean
          then r.swap_drop_registration_id end,
        updated_at = ${input.now}
      where r.id = ${input.registrationId}::uuid and r.status = 'waitlisted'
        and exists (select 1 from sec)
      returning r.id
    ),
    ${auditCte(input.audit)}${andNotificationsCte(input.notifications)}
    select (select count(*) from sec)::int as sections,
      (select count(*) from reg)::int as registrations`.execute(tx);
  const row = result.rows[0];
  if (!row || Number(row.sections) !== 1 || Number(row.registrations) !== 1) {
    throw new RetryTransactionError('the wait-listed registration changed during promotion');
  }
}

/** offered → enrolled (the seat is already counted). */
export async function acceptOffer(
  tx: Transaction<DB>,
  input: {
    registrationId: string;
    now: Date;
    /** Pay-to-enrol terms: the accepted seat is held as pending_payment until then. */
    holdUntil: Date | null;
    audit: readonly AuditRow[];
  },
): Promise<void> {
  const hold = input.holdUntil;
  const result = await sql<{ registrations: number }>`
    with reg as (
      update registrations r set
        status = case when ${hold}::timestamptz is null then 'enrolled' else 'pending_payment' end,
        enrolled_at = case when ${hold}::timestamptz is null then ${input.now}::timestamptz end,
        offer_expires_at = ${hold}::timestamptz,
        updated_at = ${input.now}
      where r.id = ${input.registrationId}::uuid and r.status = 'offered'
      returning r.id
    ),
    ${auditCte(input.audit)}
    select (select count(*) from reg)::int as registrations`.execute(tx);
  if (Number(result.rows[0]?.registrations ?? 0) !== 1) {
    throw new RetryTransactionError('the offer changed while it was being accepted');
  }
}

// ---------------------------------------------------------------------------------------------
// Locks and wait-list reads used by promotion

export interface SectionSeats {
  id: string;
  termId: string;
  status: 'active' | 'cancelled';
  capacity: number;
  waitlistCapacity: number;
  enrolled: number;
  waitlisted: number;
  waitlistMode: 'auto' | 'claim';
}

function toSeats(row: {
  id: string;
  term_id: string;
  status: 'active' | 'cancelled';
  capacity: number;
  waitlist_capacity: number;
  enrolled: number;
  waitlisted: number;
  waitlist_mode: 'auto' | 'claim';
}): SectionSeats {
  return {
    id: row.id,
    termId: row.term_id,
    status: row.status,
    capacity: Number(row.capacity),
    waitlistCapacity: Number(row.waitlist_capacity),
    enrolled: Number(row.enrolled),
    waitlisted: Number(row.waitlisted),
    waitlistMode: row.waitlist_mode,
  };
}

const SEAT_COLUMNS = [
  'id',
  'term_id',
  'status',
  'capacity',
  'waitlist_capacity',
  'enrolled',
  'waitlisted',
  'waitlist_mode',
] as const;

/** Locks sections in id order (the one lock order) and returns their counters. */
export async function lockSections(
  tx: Transaction<DB>,
  ids: readonly string[],
): Promise<SectionSeats[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('sections')
    .select(SEAT_COLUMNS)
    .where('id', 'in', [...ids])
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(toSeats);
}

/** Locks a section only if nobody holds it; undefined when busy. */
export async function tryLockSection(
  tx: Transaction<DB>,
  id: string,
): Promise<SectionSeats | undefined> {
  const row = await tx
    .selectFrom('sections')
    .select(SEAT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row ? toSeats(row) : undefined;
}

/** Takes a student's term lock only if it is free (promotion runs holding a section lock). */
export async function tryLockStudentTerm(
  tx: Transaction<DB>,
  studentId: string,
  termId: string,
): Promise<boolean> {
  const row = await tx
    .selectFrom('student_terms')
    .select('student_id')
    .where('student_id', '=', studentId)
    .where('term_id', '=', termId)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row !== undefined;
}

export interface WaitlistHead {
  id: string;
  studentId: string;
  swapDropRegistrationId: string | null;
}

/** The first wait-listed registration by (joined_at, id), skipping those already passed over. */
export async function findWaitlistHead(
  db: Executor,
  sectionId: string,
  passedOver: readonly string[],
): Promise<WaitlistHead | undefined> {
  let query = db
    .selectFrom('registrations')
    .select(['id', 'student_id', 'swap_drop_registration_id'])
    .where('section_id', '=', sectionId)
    .where('status', '=', 'waitlisted');
  if (passedOver.length > 0) query = query.where('id', 'not in', [...passedOver]);
  const row = await query.orderBy('joined_at').orderBy('id').limit(1).executeTakeFirst();
  return row
    ? {
        id: row.id,
        studentId: row.student_id,
        swapDropRegistrationId: row.swap_drop_registration_id,
      }
    : undefined;
}

export async function findRegistrationBrief(
  db: Executor,
  id: string,
): Promise<
  | { id: string; studentId: string; sectionId: string; termId: string; status: RegistrationStatus }
  | undefined
> {
  const row = await db
    .selectFrom('registrations')
    .select(['id', 'student_id', 'section_id', 'term_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        studentId: row.student_id,
        sectionId: row.section_id,
        termId: row.term_id,
        status: row.status,
      }
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Cancellation and capacity

export interface ReleasedRegistration {
  id: string;
  studentId: string;
  status: LiveStatus;
  name: string;
  email: string;
}

/**
 * Releases every live registration of a cancelled section (whose row the caller holds locked)
 * and zeroes its counters.
 */
export async function releaseAllInSection(
  tx: Transaction<DB>,
  input: { sectionId: string; now: Date },
): Promise<ReleasedRegistration[]> {
  const result = await sql<{
    id: string;
    student_id: string;
    previous: LiveStatus;
    name: string;
    email: string;
  }>`
    with before as (
      select r.id, r.status from registrations r
      where r.section_id = ${input.sectionId}::uuid and r.status in ${LIVE_STATUSES_SQL}
      for update
    ),
    released as (
      update registrations r set status = 'dropped', dropped_at = ${input.now},
        updated_at = ${input.now}, drop_reason = 'section_cancelled',
        swap_drop_registration_id = null
      from before b where r.id = b.id
      returning r.id, r.student_id, b.status as previous
    ),
    unswap as (
      update registrations w set swap_drop_registration_id = null, updated_at = ${input.now}
      where w.swap_drop_registration_id in (select id from before)
    ),
    counters as (
      update sections set enrolled = 0, waitlisted = 0 where id = ${input.sectionId}::uuid
    )
    select x.id, x.student_id, x.previous, u.name, u.email
    from released x join users u on u.id = x.student_id
    order by x.id`.execute(tx);
  return result.rows.map((r) => ({
    id: r.id,
    studentId: r.student_id,
    status: r.previous,
    name: r.name,
    email: r.email,
  }));
}

export async function updateSectionCapacity(
  tx: Transaction<DB>,
  sectionId: string,
  capacity: number,
): Promise<void> {
  await tx.updateTable('sections').set({ capacity }).where('id', '=', sectionId).execute();
}

// ---------------------------------------------------------------------------------------------
// Offers

export async function listLapsedOffers(db: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('registrations')
    .select('id')
    .where('status', '=', 'offered')
    .where('offer_expires_at', '<=', now)
    .orderBy('offer_expires_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Reads for views (registrations with wait-list positions, rosters, history)

export interface RegistrationWithPosition {
  record: RegistrationRecord;
  waitlistPosition: number | null;
}

/** Wait-list position is the rank by (joined_at, id) at read time: never stored, never renumbered. */
const POSITION_SQL = `case when r.status = 'waitlisted' then (select count(*) from registrations w
    where w.section_id = r.section_id and w.status = 'waitlisted'
      and (w.joined_at, w.id) <= (r.joined_at, r.id)) end`;

export async function listStudentRegistrations(
  db: Executor,
  studentId: string,
  termId: string | undefined,
): Promise<RegistrationWithPosition[]> {
  const result = await sql<{ registration: Json; position: number | null }>`
    select ${sql.raw(REGISTRATION_JSON)} as registration, ${sql.raw(POSITION_SQL)} as position
    from registrations r join sections s on s.id = r.section_id join courses c on c.id = s.course_id
    where r.student_id = ${studentId}::uuid
      and (${termId ?? null}::uuid is null or r.term_id = ${termId ?? null}::uuid)
    order by r.created_at, r.id`.execute(db);
  return result.rows.map((row) => ({
    record: toRegistrationRecord(row.registration),
    waitlistPosition: row.position === null ? null : Number(row.position),
  }));
}

export async function findRegistration(
  db: Executor,
  registrationId: string,
): Promise<RegistrationWithPosition | undefined> {
  const result = await sql<{ registration: Json; position: number | null }>`
    select ${sql.raw(REGISTRATION_JSON)} as registration, ${sql.raw(POSITION_SQL)} as position
    from registrations r join sections s on s.id = r.section_id join courses c on c.id = s.course_id
    where r.id = ${registrationId}::uuid`.execute(db);
  const row = result.rows[0];
  return row
    ? {
        record: toRegistrationRecord(row.registration),
        waitlistPosition: row.position === null ? null : Number(row.position),
      }
    : undefined;
}

export interface RosterEntry {
  registrationId: string;
  studentId: string;
  studentNumber: string;
  name: string;
  email: string;
  programCode: string | null;
  classStanding: string;
  credits: number;
  status: RegistrationStatus;
  joinedAt: Date;
  enrolledAt: Date | null;
  offerExpiresAt: Date | null;
  waitlistPosition: number | null;
}

export async function listSectionRegistrations(
  db: Executor,
  sectionId: string,
  statuses: readonly RegistrationStatus[],
): Promise<RosterEntry[]> {
  const result = await sql<{
    id: string;
    student_id: string;
    student_number: string;
    name: string;
    email: string;
    program_code: string | null;
    class_standing: string;
    credits: number;
    status: RegistrationStatus;
    joined_at: Date;
    enrolled_at: Date | null;
    offer_expires_at: Date | null;
    position: number | null;
  }>`
    select r.id, r.student_id, st.student_number, u.name, u.email, st.program_code,
      st.class_standing, r.credits, r.status, r.joined_at, r.enrolled_at, r.offer_expires_at,
      ${sql.raw(POSITION_SQL)} as position
    from registrations r join students st on st.user_id = r.student_id
    join users u on u.id = r.student_id
    where r.section_id = ${sectionId}::uuid and r.status = any(${[...statuses]}::text[])
    order by case r.status when 'waitlisted' then 1 else 0 end, r.joined_at, r.id`.execute(db);
  return result.rows.map((r) => ({
    registrationId: r.id,
    studentId: r.student_id,
    studentNumber: r.student_number,
    name: r.name,
    email: r.email,
    programCode: r.program_code,
    classStanding: r.class_standing,
    credits: Number(r.credits),
    status: r.status,
    joinedAt: new Date(r.joined_at),
    enrolledAt: r.enrolled_at ? new Date(r.enrolled_at) : null,
    offerExpiresAt: r.offer_expires_at ? new Date(r.offer_expires_at) : null,
    waitlistPosition: r.position === null ? null : Number(r.position),
  }));
}

export interface SectionAccess {
  id: string;
  termId: string;
  code: string;
  instructorUserIds: string[];
}

export async function findSectionAccess(
  db: Executor,
  sectionId: string,
): Promise<SectionAccess | undefined> {
  const result = await sql<{
    id: string;
    term_id: string;
    code: string;
    instructors: string[] | null;
  }>`
    select s.id, s.term_id, c.code || ' ' || s.section_code as code,
      array(select i.user_id::text from section_instructors i
        where i.section_id = s.id and i.user_id is not null) as instructors
    from sections s join courses c on c.id = s.course_id
    where s.id = ${sectionId}::uuid`.execute(db);
  const row = result.rows[0];
  return row
    ? { id: row.id, termId: row.term_id, code: row.code, instructorUserIds: row.instructors ?? [] }
    : undefined;
}

export async function findStudentBrief(
  db: Executor,
  studentId: string,
): Promise<{ id: string; advisorId: string | null; name: string; email: string } | undefined> {
  const row = await db
    .selectFrom('students')
    .innerJoin('users', 'users.id', 'students.user_id')
    .select(['students.user_id', 'students.advisor_id', 'users.name', 'users.email'])
    .where('students.user_id', '=', studentId)
    .executeTakeFirst();
  return row
    ? { id: row.user_id, advisorId: row.advisor_id, name: row.name, email: row.email }
    : undefined;
}

export async function termExists(db: Executor, termId: string): Promise<boolean> {
  const row = await db.selectFrom('terms').select('id').where('id', '=', termId).executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Audit and history

export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  studentId: string | null;
  sectionId: string | null;
  sectionCode: string | null;
  termId: string | null;
  registrationId: string | null;
  action: string;
  outcome: string;
  blockerCodes: string[];
  details: Record<string, unknown>;
  requestId: string | null;
}

export interface AuditFilter {
  studentId?: string | undefined;
  sectionId?: string | undefined;
  termId?: string | undefined;
  outcome?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset: entries strictly before this (at, id). */
  before?: { at: Date; id: string } | undefined;
  limit: number;
}

export async function listAudit(db: Executor, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db
    .selectFrom('registration_audit as a')
    .leftJoin('users as actor', 'actor.id', 'a.actor_id')
    .leftJoin('sections as s', 's.id', 'a.section_id')
    .leftJoin('courses as c', 'c.id', 's.course_id')
    .select([
      'a.id',
      'a.at',
      'a.actor_id',
      'actor.name as actor_name',
      'a.student_id',
      'a.section_id',
      'c.code as course_code',
      's.section_code',
      'a.term_id',
      'a.registration_id',
      'a.action',
      'a.outcome',
      'a.blocker_codes',
      'a.details',
      'a.request_id',
    ]);
  if (filter.studentId) query = query.where('a.student_id', '=', filter.studentId);
  if (filter.sectionId) query = query.where('a.section_id', '=', filter.sectionId);
  if (filter.termId) query = query.where('a.term_id', '=', filter.termId);
  if (filter.outcome) query = query.where('a.outcome', '=', filter.outcome);
  if (filter.action) query = query.where('a.action', '=', filter.action);
  if (filter.from) query = query.where('a.at', '>=', filter.from);
  if (filter.to) query = query.where('a.at', '<', filter.to);
  if (filter.before) {
    const before = filter.before;
    query = query.where((eb) =>
      eb.or([
        eb('a.at', '<', before.at),
        eb.and([eb('a.at', '=', before.at), eb('a.id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    studentId: r.student_id,
    sectionId: r.section_id,
    sectionCode: r.course_code && r.section_code ? `${r.course_code} ${r.section_code}` : null,
    termId: r.term_id,
    registrationId: r.registration_id,
    action: r.action,
    outcome: r.outcome,
    blockerCodes: r.blocker_codes,
    details: r.details,
    requestId: r.request_id,
  }));
}

// ---------------------------------------------------------------------------------------------
// Holds

export interface HoldRecord {
  id: string;
  studentId: string;
  type: HoldFact['type'];
  reason: string;
  blocksRegistration: boolean;
  placedBy: string | null;
  placedByName: string | null;
  placedAt: Date;
  liftedBy: string | null;
  liftedAt: Date | null;
  liftNote: string | null;
}

export async function listHolds(db: Executor, studentId: string): Promise<HoldRecord[]> {
  const rows = await db
    .selectFrom('holds as h')
    .leftJoin('users as p', 'p.id', 'h.placed_by')
    .selectAll('h')
    .select('p.name as placed_by_name')
    .where('h.student_id', '=', studentId)
    .orderBy('h.placed_at', 'desc')
    .orderBy('h.id', 'desc')
    .execute();
  return rows.map(toHold);
}

export async function findHold(
  db: Executor,
  studentId: string,
  holdId: string,
): Promise<HoldRecord | undefined> {
  const row = await db
    .selectFrom('holds as h')
    .leftJoin('users as p', 'p.id', 'h.placed_by')
    .selectAll('h')
    .select('p.name as placed_by_name')
    .where('h.id', '=', holdId)
    .where('h.student_id', '=', studentId)
    .executeTakeFirst();
  return row ? toHold(row) : undefined;
}

function toHold(row: {
  id: string;
  student_id: string;
  type: HoldFact['type'];
  reason: string;
  blocks_registration: boolean;
  placed_by: string | null;
  placed_by_name: string | null;
  placed_at: Date;
  lifted_by: string | null;
  lifted_at: Date | null;
  lift_note: string | null;
}): HoldRecord {
  return {
    id: row.id,
    studentId: row.student_id,
    type: row.type,
    reason: row.reason,
    blocksRegistration: row.blocks_registration,
    placedBy: row.placed_by,
    placedByName: row.placed_by_name,
    placedAt: new Date(row.placed_at),
    liftedBy: row.lifted_by,
    liftedAt: row.lifted_at ? new Date(row.lifted_at) : null,
    liftNote: row.lift_note,
  };
}

export async function insertHold(
  db: Executor,
  hold: {
    id: string;
    studentId: string;
    type: HoldFact['type'];
    reason: string;
    blocksRegistration: boolean;
    placedBy: string;
    placedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('holds')
    .values({
      id: hold.id,
      student_id: hold.studentId,
      type: hold.type,
      reason: hold.reason,
      blocks_registration: hold.blocksRegistration,
      placed_by: hold.placedBy,
      placed_at: hold.placedAt,
    })
    .execute();
}

export async function liftHold(
  db: Executor,
  input: { holdId: string; liftedBy: string; at: Date; note: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('holds')
    .set({ lifted_by: input.liftedBy, lifted_at: input.at, lift_note: input.note })
    .where('id', '=', input.holdId)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// ---------------------------------------------------------------------------------------------
// Permits and time tickets

export interface PermitRecord {
  id: string;
  sectionId: string;
  studentId: string;
  studentName: string | null;
  overrides: string[];
  note: string | null;
  grantedBy: string | null;
  grantedAt: Date;
}

export async function insertPermit(
  db: Executor,
  permit: {
    id: string;
    sectionId: string;
    studentId: string;
    overrides: string[];
    note: string | null;
    grantedBy: string;
    grantedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('permits')
    .values({
      id: permit.id,
      section_id: permit.sectionId,
      student_id: permit.studentId,
      overrides: permit.overrides,
      note: permit.note,
      granted_by: permit.grantedBy,
      granted_at: permit.grantedAt,
    })
    .execute();
}

export async function listPermits(db: Executor, sectionId: string): Promise<PermitRecord[]> {
  const rows = await db
    .selectFrom('permits as p')
    .leftJoin('users as u', 'u.id', 'p.student_id')
    .selectAll('p')
    .select('u.name as student_name')
    .where('p.section_id', '=', sectionId)
    .where('p.revoked_at', 'is', null)
    .orderBy('p.granted_at')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sectionId: r.section_id,
    studentId: r.student_id,
    studentName: r.student_name,
    overrides: r.overrides,
    note: r.note,
    grantedBy: r.granted_by,
    grantedAt: new Date(r.granted_at),
  }));
}

export interface TimeTicketRuleRecord {
  minCreditsEarned: number | null;
  classStanding: ClassStanding | null;
  opensAt: Date;
}

export async function replaceTimeTicketRules(
  tx: Transaction<DB>,
  termId: string,
  rules: readonly TimeTicketRuleRecord[],
): Promise<void> {
  await tx.deleteFrom('time_ticket_rules').where('term_id', '=', termId).execute();
  if (rules.length === 0) return;
  await tx
    .insertInto('time_ticket_rules')
    .values(
      rules.map((rule, position) => ({
        id: newId(),
        term_id: termId,
        position,
        min_credits_earned: rule.minCreditsEarned,
        class_standing: rule.classStanding,
        opens_at: rule.opensAt,
      })),
    )
    .execute();
}

export async function listTimeTickets(
  db: Executor,
  termId: string,
): Promise<{
  rules: TimeTicketRuleRecord[];
  students: { studentId: string; opensAt: Date }[];
}> {
  const rules = await db
    .selectFrom('time_ticket_rules')
    .select(['min_credits_earned', 'class_standing', 'opens_at'])
    .where('term_id', '=', termId)
    .orderBy('position')
    .execute();
  const students = await db
    .selectFrom('student_terms')
    .select(['student_id', 'opens_at'])
    .where('term_id', '=', termId)
    .where('opens_at', 'is not', null)
    .orderBy('opens_at')
    .execute();
  return {
    rules: rules.map((r) => ({
      minCreditsEarned: r.min_credits_earned === null ? null : Number(r.min_credits_earned),
      classStanding: r.class_standing,
      opensAt: new Date(r.opens_at),
    })),
    students: students.map((s) => ({ studentId: s.student_id, opensAt: new Date(s.opens_at!) })),
  };
}

/** Sets a student's own ticket; bumps the lock row's version like any other change to it. */
export async function upsertStudentTicket(
  db: Executor,
  input: { studentId: string; termId: string; opensAt: Date | null },
): Promise<void> {
  await db
    .insertInto('student_terms')
    .values({ student_id: input.studentId, term_id: input.termId, opens_at: input.opensAt })
    .onConflict((oc) =>
      oc.columns(['student_id', 'term_id']).doUpdateSet((eb) => ({
        opens_at: input.opensAt,
        version: eb('student_terms.version', '+', 1),
      })),
    )
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Cart

export interface CartItemRecord {
  id: string;
  termId: string;
  sectionId: string;
  addedAt: Date;
  section: SectionSummary;
}

export async function listCart(
  db: Executor,
  studentId: string,
  termId: string | undefined,
): Promise<CartItemRecord[]> {
  const result = await sql<{
    id: string;
    term_id: string;
    section_id: string;
    added_at: Date;
    section: Json;
  }>`
    select ci.id, ci.term_id, ci.section_id, ci.added_at, ${sql.raw(SECTION_SUMMARY_JSON)} as section
    from cart_items ci join sections s on s.id = ci.section_id join courses c on c.id = s.course_id
    where ci.student_id = ${studentId}::uuid
      and (${termId ?? null}::uuid is null or ci.term_id = ${termId ?? null}::uuid)
    order by ci.added_at, ci.id`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    termId: r.term_id,
    sectionId: r.section_id,
    addedAt: new Date(r.added_at),
    section: toSectionSummary(r.section),
  }));
}

/** Adds a section to the cart; an existing item for it is returned unchanged. */
export async function insertCartItem(
  db: Executor,
  item: { id: string; studentId: string; sectionId: string; addedAt: Date },
): Promise<{ id: string; created: boolean } | undefined> {
  const inserted = await sql<{ id: string }>`
    insert into cart_items (id, student_id, term_id, section_id, added_at)
    select ${item.id}::uuid, ${item.studentId}::uuid, s.term_id, s.id, ${item.addedAt}
    from sections s where s.id = ${item.sectionId}::uuid
    on conflict (student_id, section_id) do nothing
    returning id`.execute(db);
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await db
    .selectFrom('cart_items')
    .select('id')
    .where('student_id', '=', item.studentId)
    .where('section_id', '=', item.sectionId)
    .executeTakeFirst();
  return existing ? { id: existing.id, created: false } : undefined;
}

export async function deleteCartItem(
  db: Executor,
  studentId: string,
  itemId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('cart_items')
    .where('id', '=', itemId)
    .where('student_id', '=', studentId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteCartSections(
  db: Executor,
  studentId: string,
  sectionIds: readonly string[],
): Promise<void> {
  if (sectionIds.length === 0) return;
  await db
    .deleteFrom('cart_items')
    .where('student_id', '=', studentId)
    .where('section_id', 'in', [...sectionIds])
    .execute();
}

export async function findStoredResponse(
  db: Executor,
  userId: string,
  key: string,
  since: Date,
): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return row
    ? { requestHash: row.request_hash, statusCode: row.status_code, response: row.response }
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Notifications

export interface NotificationRecord {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
}

export async function listNotifications(
  db: Executor,
  input: {
    userId: string;
    unreadOnly: boolean;
    before?: { at: Date; id: string } | undefined;
    limit: number;
  },
): Promise<NotificationRecord[]> {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', input.userId);
  if (input.unreadOnly) query = query.where('read_at', 'is', null);
  if (input.before) {
    const before = input.before;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.at),
        eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    data: r.data,
    createdAt: new Date(r.created_at),
    readAt: r.read_at ? new Date(r.read_at) : null,
  }));
}

export async function countUnreadNotifications(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function markNotificationsRead(
  db: Executor,
  input: { userId: string; id?: string | undefined; at: Date },
): Promise<number> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: input.at })
    .where('user_id', '=', input.userId)
    .where('read_at', 'is', null);
  if (input.id) query = query.where('id', '=', input.id);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function notificationExists(
  db: Executor,
  userId: string,
  id: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('notifications')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Billing: pay-to-enrol confirmation and the loads charges are priced on

export interface ConfirmedRegistration {
  id: string;
  sectionId: string;
  termId: string;
}

/**
 * Pay-to-enrol: every seat this student holds until paid becomes enrolled (billing calls this in
 * the transaction that credits a payment clearing the balance). The seat is already counted.
 */
export async function confirmPendingPayments(
  tx: Executor,
  input: { studentId: string; now: Date },
): Promise<ConfirmedRegistration[]> {
  const result = await sql<{ id: string; section_id: string; term_id: string }>`
    with reg as (
      update registrations r set status = 'enrolled', enrolled_at = ${input.now},
        offer_expires_at = null, updated_at = ${input.now}
      where r.student_id = ${input.studentId}::uuid and r.status = 'pending_payment'
      returning r.id, r.section_id, r.term_id
    ),
    audit as (
      insert into registration_audit (id, at, actor_id, student_id, section_id, term_id,
        registration_id, action, outcome, blocker_codes, details, request_id)
      select gen_random_uuid(), ${input.now}, null, ${input.studentId}::uuid, reg.section_id,
        reg.term_id, reg.id, 'payment_confirmed', 'enrolled', '{}', '{}'::jsonb, null
      from reg
    )
    select id, section_id, term_id from reg order by id`.execute(tx);
  return result.rows.map((r) => ({ id: r.id, sectionId: r.section_id, termId: r.term_id }));
}

/**
 * Billing: the registrations holding seats (enrolled or held until paid) of these students in a
 * term, and the named registrations whatever their status (the ones just released), as loads.
 */
export async function listSeatLoads(
  tx: Executor,
  input: { termId: string; studentIds: readonly string[]; registrationIds: readonly string[] },
): Promise<{ loads: Map<string, LoadItem[]>; named: Map<string, LoadItem> }> {
  const loads = new Map<string, LoadItem[]>();
  const named = new Map<string, LoadItem>();
  if (input.studentIds.length === 0 && input.registrationIds.length === 0) return { loads, named };
  const result = await sql<{
    id: string;
    student_id: string;
    section_id: string;
    course_id: string;
    credits: number;
    seated: boolean;
  }>`
    select r.id, r.student_id, r.section_id, s.course_id, r.credits,
      r.status in ('enrolled', 'pending_payment') as seated
    from registrations r join sections s on s.id = r.section_id
    where r.term_id = ${input.termId}::uuid
      and ((r.student_id = any(${[...input.studentIds]}::uuid[])
          and r.status in ('enrolled', 'pending_payment'))
        or r.id = any(${[...input.registrationIds]}::uuid[]))
    order by r.joined_at, r.id`.execute(tx);
  for (const row of result.rows) {
    const item = {
      sectionId: row.section_id,
      courseId: row.course_id,
      credits: Number(row.credits),
    };
    if (input.registrationIds.includes(row.id)) named.set(row.id, item);
    if (row.seated) loads.set(row.student_id, [...(loads.get(row.student_id) ?? []), item]);
  }
  return { loads, named };
}

/**
 * Deletes stored responses older than the replay window (they can no longer be replayed); the
 * created_at index (idempotency_keys_created_idx) finds them.
 */
export async function deleteIdempotencyKeysBefore(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

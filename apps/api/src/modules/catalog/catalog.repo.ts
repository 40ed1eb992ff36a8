// The catalog's only access to the database: terms, subjects, programs, courses, sections and
// search. Every function takes the executor first so callers decide the transaction. Bulk upserts
// keyed by natural keys (subject code, program code, course code, term code, term + CRN) serve the
// importers and the demo seed.
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CourseRestrictions, SectionKind } from '../../db/tables/catalog.ts';
import type { ClassStanding, Role } from '../../db/tables/identity.ts';
import { newId } from '../../lib/ids.ts';
import {
  CourseExistsError,
  CourseNotFoundError,
  CrnTakenError,
  ProgramExistsError,
  SectionNotFoundError,
  SubjectExistsError,
  TermCodeTakenError,
  TermNotFoundError,
} from './catalog.errors.ts';
import {
  CLASS_STANDINGS,
  type Course,
  type Meeting,
  type Program,
  type Restrictions,
  type Section,
  type Subject,
  type Term,
} from './catalog.schemas.ts';
import { describeRequisite, parseOptionalRequisite } from './catalog.requisites.ts';
import { daysMask, type CursorPayload, type SortKeyValue } from './catalog.search.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

/** Outcome of an upsert by natural key, for import summaries. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const INSERT_BATCH_ROWS = 500;

function chunks<T>(items: readonly T[], size = INSERT_BATCH_ROWS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The constraint a unique violation names (pg and PGlite both report SQLSTATE 23505). */
function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return undefined;
  return typeof constraint === 'string' ? constraint : '';
}

async function translateUnique<T>(
  work: Promise<T>,
  map: (constraint: string) => Error | undefined,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const constraint = uniqueViolation(error);
    const mapped = constraint === undefined ? undefined : map(constraint);
    throw mapped ?? error;
  }
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

// ---------------------------------------------------------------- terms

export interface TermRecord {
  code: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  registrationOpensAt: Date;
  registrationClosesAt: Date;
  addDropDeadline: Date;
  withdrawDeadline: Date;
  minCredits: number;
  maxCredits: number;
  claimWindowHours: number | null;
}

function selectTerms(db: Executor) {
  return db
    .selectFrom('terms')
    .select([
      'id',
      'code',
      'name',
      'time_zone',
      sql<string>`starts_on::text`.as('starts_on'),
      sql<string>`ends_on::text`.as('ends_on'),
      'registration_opens_at',
      'registration_closes_at',
      'add_drop_deadline',
      'withdraw_deadline',
      'min_credits',
      'max_credits',
      'claim_window_hours',
    ]);
}

type TermRow = Awaited<ReturnType<ReturnType<typeof selectTerms>['executeTakeFirstOrThrow']>>;

function toTerm(row: TermRow): Term {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    timeZone: row.time_zone,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    registrationOpensAt: iso(row.registration_opens_at),
    registrationClosesAt: iso(row.registration_closes_at),
    addDropDeadline: iso(row.add_drop_deadline),
    withdrawDeadline: iso(row.withdraw_deadline),
    minCredits: Number(row.min_credits),
    maxCredits: Number(row.max_credits),
    claimWindowHours: row.claim_window_hours,
  };
}

function termColumns(record: TermRecord) {
  return {
    code: record.code,
    name: record.name,
    time_zone: record.timeZone,
    starts_on: record.startsOn,
    ends_on: record.endsOn,
    registration_opens_at: record.registrationOpensAt,
    registration_closes_at: record.registrationClosesAt,
    add_drop_deadline: record.addDropDeadline,
    withdraw_deadline: record.withdrawDeadline,
    min_credits: record.minCredits,
    max_credits: record.maxCredits,
    claim_window_hours: record.claimWindowHours,
  };
}

export async function findTermById(db: Executor, id: string): Promise<Term | undefined> {
  const row = await selectTerms(db).where('id', '=', id).executeTakeFirst();
  return row && toTerm(row);
}

export async function getTermById(db: Executor, id: string): Promise<Term> {
  const term = await findTermById(db, id);
  if (!term) throw new TermNotFoundError();
  return term;
}

export async function findTermByCode(db: Executor, code: string): Promise<Term | undefined> {
  const row = await selectTerms(db).where('code', '=', code).executeTakeFirst();
  return row && toTerm(row);
}

/** Newest first; `after` is the last term of the previous page. */
export async function listTerms(
  db: Executor,
  page: { limit: number; after?: { startsOn: string; id: string } | undefined },
): Promise<Term[]> {
  let query = selectTerms(db)
    .orderBy('terms.starts_on', 'desc')
    .orderBy('terms.id', 'desc')
    .limit(page.limit);
  if (page.after) {
    const { startsOn, id } = page.after;
    query = query.where(
      sql<boolean>`(terms.starts_on, terms.id) < (${startsOn}::date, ${id}::uuid)`,
    );
  }
  return (await query.execute()).map(toTerm);
}

export async function insertTerm(db: Executor, record: TermRecord): Promise<Term> {
  const id = newId();
  await translateUnique(
    db
      .insertInto('terms')
      .values({ id, ...termColumns(record) })
      .execute(),
    () => new TermCodeTakenError(record.code),
  );
  return getTermById(db, id);
}

export async function updateTerm(db: Executor, id: string, record: TermRecord): Promise<Term> {
  const result = await translateUnique(
    db
      .updateTable('terms')
      .set({ ...termColumns(record), updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .executeTakeFirst(),
    () => new TermCodeTakenError(record.code),
  );
  if (result.numUpdatedRows === 0n) throw new TermNotFoundError();
  return getTermById(db, id);
}

function sameTerm(term: Term, record: TermRecord): boolean {
  return (
    term.name === record.name &&
    term.timeZone === record.timeZone &&
    term.startsOn === record.startsOn &&
    term.endsOn === record.endsOn &&
    term.registrationOpensAt === record.registrationOpensAt.toISOString() &&
    term.registrationClosesAt === record.registrationClosesAt.toISOString() &&
    term.addDropDeadline === record.addDropDeadline.toISOString() &&
    term.withdrawDeadline === record.withdrawDeadline.toISOString() &&
    term.minCredits === record.minCredits &&
    term.maxCredits === record.maxCredits &&
    term.claimWindowHours === record.claimWindowHours
  );
}

export async function upsertTermByCode(
  db: Executor,
  record: TermRecord,
): Promise<{ term: Term; outcome: UpsertOutcome }> {
  const existing = await findTermByCode(db, record.code);
  if (!existing) return { term: await insertTerm(db, record), outcome: 'created' };
  if (sameTerm(existing, record)) return { term: existing, outcome: 'unchanged' };
  return { term: await updateTerm(db, existing.id, record), outcome: 'updated' };
}

// ---------------------------------------------------------------- subjects and programs

export async function listSubjects(
  db: Executor,
  page: { limit: number; afterCode?: string | undefined },
): Promise<Subject[]> {
  let query = db
    .selectFrom('subjects')
    .select(['code', 'name'])
    .orderBy(sql`code collate "C"`)
    .limit(page.limit);
  if (page.afterCode !== undefined) {
    query = query.where(sql<boolean>`code collate "C" > ${page.afterCode}`);
  }
  return query.execute();
}

export async function findSubject(db: Executor, code: string): Promise<Subject | undefined> {
  return db
    .selectFrom('subjects')
    .select(['code', 'name'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function insertSubject(db: Executor, subject: Subject): Promise<Subject> {
  await translateUnique(
    db.insertInto('subjects').values(subject).execute(),
    () => new SubjectExistsError(subject.code),
  );
  return subject;
}

export async function updateSubjectName(
  db: Executor,
  code: string,
  name: string,
): Promise<Subject | undefined> {
  return db
    .updateTable('subjects')
    .set({ name })
    .where('code', '=', code)
    .returning(['code', 'name'])
    .executeTakeFirst();
}

/** Creates missing subjects and renames changed ones; one outcome per input, in order. */
export async function upsertSubjects(
  db: Executor,
  subjects: readonly Subject[],
): Promise<UpsertOutcome[]> {
  if (subjects.length === 0) return [];
  const existing = new Map<string, string>();
  for (const batch of chunks([...new Set(subjects.map((s) => s.code))], 5000)) {
    const rows = await db
      .selectFrom('subjects')
      .select(['code', 'name'])
      .where('code', 'in', batch)
      .execute();
    for (const row of rows) existing.set(row.code, row.name);
  }
  const outcomes: UpsertOutcome[] = [];
  const toInsert: Subject[] = [];
  for (const subject of subjects) {
    const name = existing.get(subject.code);
    if (name === undefined) {
      toInsert.push(subject);
      existing.set(subject.code, subject.name);
      outcomes.push('created');
    } else if (name !== subject.name) {
      await updateSubjectName(db, subject.code, subject.name);
      existing.set(subject.code, subject.name);
      outcomes.push('updated');
    } else {
      outcomes.push('unchanged');
    }
  }
  for (const batch of chunks(toInsert)) await db.insertInto('subjects').values(batch).execute();
  return outcomes;
}

export async function listPrograms(
  db: Executor,
  page: { limit: number; afterCode?: string | undefined },
): Promise<Program[]> {
  let query = db
    .selectFrom('programs')
    .select(['code', 'name', 'degree'])
    .orderBy(sql`code collate "C"`)
    .limit(page.limit);
  if (page.afterCode !== undefined) {
    query = query.where(sql<boolean>`code collate "C" > ${page.afterCode}`);
  }
  return query.execute();
}

export async function findProgram(db: Executor, code: string): Promise<Program | undefined> {
  return db
    .selectFrom('programs')
    .select(['code', 'name', 'degree'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function insertProgram(db: Executor, program: Program): Promise<Program> {
  await translateUnique(
    db.insertInto('programs').values(program).execute(),
    () => new ProgramExistsError(program.code),
  );
  return program;
}

export async function updateProgram(
  db: Executor,
  code: string,
  changes: { name?: string; degree?: string | null },
): Promise<Program | undefined> {
  return db
    .updateTable('programs')
    .set(changes)
    .where('code', '=', code)
    .returning(['code', 'name', 'degree'])
    .executeTakeFirst();
}

export async function upsertPrograms(
  db: Executor,
  programs: readonly Program[],
): Promise<UpsertOutcome[]> {
  if (programs.length === 0) return [];
  const existing = new Map<string, Program>();
  const rows = await db
    .selectFrom('programs')
    .select(['code', 'name', 'degree'])
    .where('code', 'in', [...new Set(programs.map((p) => p.code))])
    .execute();
  for (const row of rows) existing.set(row.code, row);
  const outcomes: UpsertOutcome[] = [];
  const toInsert: Program[] = [];
  for (const program of programs) {
    const current = existing.get(program.code);
    if (!current) {
      toInsert.push(program);
      outcomes.push('created');
    } else if (current.name !== program.name || current.degree !== program.degree) {
      await updateProgram(db, program.code, { name: program.name, degree: program.degree });
      outcomes.push('updated');
    } else {
      outcomes.push('unchanged');
    }
    existing.set(program.code, program);
  }
  for (const batch of chunks(toInsert)) await db.insertInto('programs').values(batch).execute();
  return outcomes;
}

/** The codes among `codes` that name existing programs. */
export async function findExistingProgramCodes(
  db: Executor,
  codes: readonly string[],
): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db
    .selectFrom('programs')
    .select('code')
    .where('code', 'in', [...codes])
    .execute();
  return new Set(rows.map((r) => r.code));
}

// ---------------------------------------------------------------- courses

export interface CourseRecord {
  subject: string;
  number: string;
  title: string;
  description: string;
  creditsMin: number;
  creditsMax: number;
  prerequisites: string | null;
  corequisites: string | null;
  restrictions: CourseRestrictions;
}

export function courseCode(subject: string, number: string): string {
  return `${subject} ${number}`;
}

function selectCourses(db: Executor) {
  return db
    .selectFrom('courses')
    .select([
      'id',
      'code',
      'subject_code',
      'number',
      'title',
      'description',
      'credits_min',
      'credits_max',
      'prerequisites',
      'corequisites',
      'restrictions',
    ]);
}

type CourseRow = Awaited<ReturnType<ReturnType<typeof selectCourses>['executeTakeFirstOrThrow']>>;

const KNOWN_STANDINGS = new Set<string>(CLASS_STANDINGS);

/** Stored restrictions in the API shape; empty lists dropped, unknown standings ignored. */
function toRestrictions(value: unknown): Restrictions {
  const raw = (typeof value === 'string' ? JSON.parse(value) : value) as CourseRestrictions | null;
  const out: Restrictions = {};
  const standings = (raw?.classStandings ?? []).filter((s): s is ClassStanding =>
    KNOWN_STANDINGS.has(s),
  );
  if (standings.length > 0) out.classStandings = standings;
  if (raw?.programs && raw.programs.length > 0) out.programs = raw.programs;
  return out;
}

/** Words for a stored expression; null when there is none (or it no longer parses). */
function describeExpression(text: string | null): string | null {
  try {
    const expr = parseOptionalRequisite(text);
    return expr ? describeRequisite(expr) : null;
  } catch {
    return null;
  }
}

function toCourse(row: CourseRow): Course {
  return {
    id: row.id,
    code: row.code,
    subject: row.subject_code,
    number: row.number,
    title: row.title,
    description: row.description,
    credits: { min: Number(row.credits_min), max: Number(row.credits_max) },
    prerequisites: row.prerequisites,
    corequisites: row.corequisites,
    prerequisitesDescription: describeExpression(row.prerequisites),
    corequisitesDescription: describeExpression(row.corequisites),
    restrictions: toRestrictions(row.restrictions),
  };
}

function courseColumns(record: CourseRecord) {
  return {
    code: courseCode(record.subject, record.number),
    subject_code: record.subject,
    number: record.number,
    title: record.title,
    description: record.description,
    credits_min: record.creditsMin,
    credits_max: record.creditsMax,
    prerequisites: record.prerequisites,
    corequisites: record.corequisites,
    restrictions: JSON.stringify(toRestrictions(record.restrictions)),
  };
}

export async function findCourseById(db: Executor, id: string): Promise<Course | undefined> {
  const row = await selectCourses(db).where('id', '=', id).executeTakeFirst();
  return row && toCourse(row);
}

export async function getCourseById(db: Executor, id: string): Promise<Course> {
  const course = await findCourseById(db, id);
  if (!course) throw new CourseNotFoundError();
  return course;
}

export async function findCourseByCode(db: Executor, code: string): Promise<Course | undefined> {
  const row = await selectCourses(db).where('code', '=', code).executeTakeFirst();
  return row && toCourse(row);
}

/** Ids of the courses with these codes (codes that match nothing are absent from the map). */
export async function findCourseIdsByCodes(
  db: Executor,
  codes: readonly string[],
): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const batch of chunks([...new Set(codes)], 5000)) {
    const rows = await db
      .selectFrom('courses')
      .select(['id', 'code'])
      .where('code', 'in', batch)
      .execute();
    for (const row of rows) map.set(row.code, row.id);
  }
  return map;
}

/** Courses by code; `tsQuery` is a prefix query from catalog.search.ts. */
export async function listCourses(
  db: Executor,
  filter: {
    tsQuery?: string | undefined;
    subject?: string | undefined;
    limit: number;
    afterCode?: string | undefined;
  },
): Promise<Course[]> {
  let query = selectCourses(db)
    .orderBy(sql`code collate "C"`)
    .limit(filter.limit);
  if (filter.tsQuery) {
    query = query.where(sql<boolean>`search_vector @@ to_tsquery('simple', ${filter.tsQuery})`);
  }
  if (filter.subject) query = query.where('subject_code', '=', filter.subject);
  if (filter.afterCode !== undefined) {
    query = query.where(sql<boolean>`code collate "C" > ${filter.afterCode}`);
  }
  return (await query.execute()).map(toCourse);
}

export async function insertCourse(db: Executor, record: CourseRecord): Promise<Course> {
  const id = newId();
  const code = courseCode(record.subject, record.number);
  await translateUnique(
    db
      .insertInto('courses')
      .values({ id, ...courseColumns(record) })
      .execute(),
    () => new CourseExistsError(code),
  );
  return getCourseById(db, id);
}

export async function updateCourse(
  db: Executor,
  id: string,
  record: CourseRecord,
): Promise<Course> {
  const result = await db
    .updateTable('courses')
    .set({ ...courseColumns(record), updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new CourseNotFoundError();
  return getCourseById(db, id);
}

function sameCourse(course: Course, record: CourseRecord): boolean {
  const restrictions = toRestrictions(record.restrictions);
  return (
    course.title === record.title &&
    course.description === record.description &&
    course.credits.min === record.creditsMin &&
    course.credits.max === record.creditsMax &&
    course.prerequisites === record.prerequisites &&
    course.corequisites === record.corequisites &&
    JSON.stringify(course.restrictions) === JSON.stringify(restrictions)
  );
}

/**
 * Creates or updates courses by code (subject + number), batching the inserts. The subjects must
 * exist. One result per input, in order; a code repeated in the input counts once as created.
 */
export async function upsertCoursesByCode(
  db: Executor,
  records: readonly CourseRecord[],
): Promise<Array<{ id: string; code: string; outcome: UpsertOutcome }>> {
  const codes = records.map((r) => courseCode(r.subject, r.number));
  const existing = new Map<string, Course>();
  for (const batch of chunks([...new Set(codes)], 5000)) {
    const rows = await selectCourses(db).where('code', 'in', batch).execute();
    for (const row of rows) existing.set(row.code, toCourse(row));
  }
  const results: Array<{ id: string; code: string; outcome: UpsertOutcome }> = [];
  const toInsert: Array<{ id: string } & ReturnType<typeof courseColumns>> = [];
  for (const [index, record] of records.entries()) {
    const code = codes[index]!;
    const current = existing.get(code);
    if (!current) {
      const id = newId();
      toInsert.push({ id, ...courseColumns(record) });
      existing.set(code, { ...recordAsCourse(id, record) });
      results.push({ id, code, outcome: 'created' });
    } else if (sameCourse(current, record)) {
      results.push({ id: current.id, code, outcome: 'unchanged' });
    } else {
      await db
        .updateTable('courses')
        .set({ ...courseColumns(record), updated_at: sql<Date>`now()` })
        .where('id', '=', current.id)
        .execute();
      existing.set(code, recordAsCourse(current.id, record));
      results.push({ id: current.id, code, outcome: 'updated' });
    }
  }
  for (const batch of chunks(toInsert)) await db.insertInto('courses').values(batch).execute();
  return results;
}

function recordAsCourse(id: string, record: CourseRecord): Course {
  return {
    id,
    code: courseCode(record.subject, record.number),
    subject: record.subject,
    number: record.number,
    title: record.title,
    description: record.description,
    credits: { min: record.creditsMin, max: record.creditsMax },
    prerequisites: record.prerequisites,
    corequisites: record.corequisites,
    prerequisitesDescription: describeExpression(record.prerequisites),
    corequisitesDescription: describeExpression(record.corequisites),
    restrictions: toRestrictions(record.restrictions),
  };
}

// ---------------------------------------------------------------- sections

export interface MeetingRecord {
  /** null: arranged (then startTime and endTime are null too). */
  days: string | null;
  /** HH:MM */
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  startDate: string | null;
  endDate: string | null;
}

export type ReservedGroupKind = 'class_standing' | 'program' | 'cohort';

export interface ReservedSeatRecord {
  groupKind: ReservedGroupKind;
  groupValue: string;
  label: string;
  seats: number;
  until: Date | null;
}

export interface InstructorRecord {
  name: string;
  userId: string | null;
}

/** Everything about a section that the catalog edits; seat counters belong to registration. */
export interface SectionFields {
  courseId: string;
  crn: string;
  sectionCode: string;
  kind: SectionKind;
  title: string | null;
  credits: number | null;
  capacity: number;
  waitlistCapacity: number;
  waitlistMode: 'auto' | 'claim';
  linkedGroup: string | null;
}

export interface SectionRecord extends SectionFields {
  instructors: InstructorRecord[];
  meetings: MeetingRecord[];
  reservedSeats: ReservedSeatRecord[];
}

/** The columns of a section row that rules need, without its parts. */
export interface SectionRow {
  id: string;
  termId: string;
  courseId: string;
  crn: string;
  status: 'active' | 'cancelled';
  capacity: number;
  enrolled: number;
  waitlisted: number;
}

function sectionRowColumns(termId: string, fields: SectionFields) {
  return {
    term_id: termId,
    course_id: fields.courseId,
    crn: fields.crn,
    section_code: fields.sectionCode,
    kind: fields.kind,
    title: fields.title,
    credits: fields.credits,
    capacity: fields.capacity,
    waitlist_capacity: fields.waitlistCapacity,
    waitlist_mode: fields.waitlistMode,
    linked_group: fields.linkedGroup,
  };
}

/** The select list that turns SECTION_SOURCES into the API's section shape. */
const SECTION_PROJECTION = sql`
  s.id, s.crn, s.term_id, s.course_id, c.code as course_code, c.subject_code, s.section_code,
  s.kind, coalesce(s.title, c.title) as title,
  coalesce(s.credits, c.credits_min) as credits_min, coalesce(s.credits, c.credits_max) as credits_max,
  s.status, s.capacity, s.waitlist_capacity, s.waitlist_mode, s.linked_group, s.enrolled, s.waitlisted,
  coalesce(k.instructors, '[]') as instructors, coalesce(k.meetings, '[]') as meetings,
  coalesce(k.reserved_seats, '[]') as reserved_seats`;

/** A section with its course and its card (parts kept as JSON by triggers). */
const SECTION_SOURCES = sql`
  sections s join courses c on c.id = s.course_id left join section_cards k on k.section_id = s.id`;

interface ProjectedSectionRow {
  id: string;
  crn: string;
  term_id: string;
  course_id: string;
  course_code: string;
  subject_code: string;
  section_code: string;
  kind: SectionKind;
  title: string;
  credits_min: number | string;
  credits_max: number | string;
  status: 'active' | 'cancelled';
  capacity: number;
  waitlist_capacity: number;
  waitlist_mode: 'auto' | 'claim';
  linked_group: string | null;
  enrolled: number;
  waitlisted: number;
  instructors: unknown;
  meetings: unknown;
  reserved_seats: unknown;
}

function parseJsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Seats a student may still take; never negative (capacity can be cut below enrolment). */
export function availableSeats(row: {
  status: string;
  capacity: number;
  enrolled: number;
}): number {
  return row.status === 'active' ? Math.max(0, row.capacity - row.enrolled) : 0;
}

function toSection(row: ProjectedSectionRow): Section {
  const meetings = parseJsonColumn<
    Array<{
      days: string | null;
      startTime: string | null;
      endTime: string | null;
      location: string | null;
      startDate: string | null;
      endDate: string | null;
    }>
  >(row.meetings).map((m) => {
    const meeting: Meeting = {
      days: m.days,
      startTime: m.startTime,
      endTime: m.endTime,
      location: m.location,
    };
    if (m.startDate) meeting.startDate = m.startDate;
    if (m.endDate) meeting.endDate = m.endDate;
    return meeting;
  });
  const reservedSeats = parseJsonColumn<
    Array<{
      kind: string;
      value: string;
      label: string;
      seats: number;
      until: string | null;
    }>
  >(row.reserved_seats).map((r) => ({
    group: `${r.kind}:${r.value}`,
    label: r.label,
    seats: r.seats,
    ...(r.until ? { until: iso(r.until) } : {}),
  }));
  return {
    id: row.id,
    crn: row.crn,
    termId: row.term_id,
    courseId: row.course_id,
    code: `${row.course_code} ${row.section_code}`.trim(),
    sectionCode: row.section_code,
    subject: row.subject_code,
    title: row.title,
    kind: row.kind,
    credits: { min: Number(row.credits_min), max: Number(row.credits_max) },
    status: row.status,
    instructors: parseJsonColumn<Array<{ name: string; userId: string | null }>>(row.instructors),
    meetings,
    capacity: row.capacity,
    waitlistCapacity: row.waitlist_capacity,
    waitlistMode: row.waitlist_mode,
    reservedSeats,
    ...(row.linked_group ? { linkedGroup: row.linked_group } : {}),
    seats: { enrolled: row.enrolled, available: availableSeats(row), waitlisted: row.waitlisted },
  };
}

export async function findSectionById(db: Executor, id: string): Promise<Section | undefined> {
  const result = await sql<ProjectedSectionRow>`
    select ${SECTION_PROJECTION} from ${SECTION_SOURCES} where s.id = ${id}`.execute(db);
  const row = result.rows[0];
  return row && toSection(row);
}

export async function getSectionById(db: Executor, id: string): Promise<Section> {
  const section = await findSectionById(db, id);
  if (!section) throw new SectionNotFoundError();
  return section;
}

/** Sections of a term with these CRNs, in the API shape, keyed by CRN. */
export async function findSectionsByCrns(
  db: Executor,
  termId: string,
  crns: readonly string[],
): Promise<Map<string, Section>> {
  const map = new Map<string, Section>();
  for (const batch of chunks([...new Set(crns)], 2000)) {
    const result = await sql<ProjectedSectionRow>`
      select ${SECTION_PROJECTION} from ${SECTION_SOURCES}
      where s.term_id = ${termId} and s.crn = any(${batch}::text[])`.execute(db);
    for (const row of result.rows) map.set(row.crn, toSection(row));
  }
  return map;
}

function selectSectionRows(db: Executor) {
  return db
    .selectFrom('sections')
    .select([
      'id',
      'term_id as termId',
      'course_id as courseId',
      'crn',
      'status',
      'capacity',
      'enrolled',
      'waitlisted',
    ]);
}

export async function findSectionRow(db: Executor, id: string): Promise<SectionRow | undefined> {
  return selectSectionRows(db).where('id', '=', id).executeTakeFirst();
}

/** Locks the section row (seat counters included) until the transaction ends. */
export async function lockSection(db: Transaction<DB>, id: string): Promise<SectionRow> {
  const row = await selectSectionRows(db).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new SectionNotFoundError();
  return row;
}

/** The next numeric CRN in a term (10001 in an empty one). */
export async function nextFreeCrn(db: Executor, termId: string): Promise<string> {
  const result = await sql<{ next: number | string }>`
    select coalesce(max(crn::bigint), 10000) + 1 as next
    from sections where term_id = ${termId} and crn ~ '^[0-9]{1,12}$'`.execute(db);
  return String(result.rows[0]?.next ?? 10001);
}

function meetingRows(sectionId: string, meetings: readonly MeetingRecord[]) {
  return meetings.map((m) => ({
    id: newId(),
    section_id: sectionId,
    days: m.days,
    start_time: m.startTime,
    end_time: m.endTime,
    location: m.location,
    start_date: m.startDate,
    end_date: m.endDate,
  }));
}

function instructorRows(sectionId: string, instructors: readonly InstructorRecord[]) {
  return instructors.map((i, position) => ({
    section_id: sectionId,
    position,
    name: i.name,
    user_id: i.userId,
  }));
}

function reservedSeatRows(sectionId: string, reserved: readonly ReservedSeatRecord[]) {
  return reserved.map((r) => ({
    id: newId(),
    section_id: sectionId,
    group_kind: r.groupKind,
    group_value: r.groupValue,
    label: r.label,
    seats: r.seats,
    until: r.until,
  }));
}

/**
 * Inserts sections with their instructors, meetings and reserved seats in multi-row batches.
 * `id` may be given (the demo seed makes deterministic ids). Returns the ids in input order.
 */
export async function insertSections(
  db: Executor,
  termId: string,
  records: ReadonlyArray<SectionRecord & { id?: string }>,
): Promise<string[]> {
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.crn)) throw new CrnTakenError(r.crn);
    seen.add(r.crn);
  }
  const ids = records.map((r) => r.id ?? newId());
  const codes = await courseCodesByIds(
    db,
    records.map((r) => r.courseId),
  );
  const sectionValues = records.map((r, i) => ({
    id: ids[i]!,
    ...sectionRowColumns(termId, r),
    ...scheduleSummary(r.meetings),
    ...(codes.has(r.courseId) ? { course_code: codes.get(r.courseId)! } : {}),
  }));
  for (const batch of chunks(sectionValues)) {
    await translateUnique(db.insertInto('sections').values(batch).execute(), (constraint) =>
      constraint === 'sections_term_id_crn_key' || constraint === ''
        ? new CrnTakenError(batch.length === 1 ? batch[0]!.crn : batch.map((b) => b.crn).join(', '))
        : undefined,
    );
  }
  await insertSectionParts(
    db,
    records.map((r, i) => ({ sectionId: ids[i]!, record: r })),
  );
  return ids;
}

/**
 * What the meeting triggers would compute for these meetings, given with the insert so the
 * triggers find nothing to rewrite (they remain the authority and correct any difference).
 */
function scheduleSummary(meetings: readonly MeetingRecord[]) {
  const scheduled = meetings.filter((m) => m.days && m.startTime && m.endTime);
  if (scheduled.length === 0)
    return { meeting_days: 0, first_start_time: null, last_end_time: null };
  return {
    meeting_days: scheduled.reduce((mask, m) => mask | daysMask(m.days!), 0),
    first_start_time: scheduled.map((m) => m.startTime!).sort()[0]!,
    last_end_time: scheduled
      .map((m) => m.endTime!)
      .sort()
      .at(-1)!,
  };
}

async function courseCodesByIds(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const batch of chunks([...new Set(ids)], 5000)) {
    const rows = await db
      .selectFrom('courses')
      .select(['id', 'code'])
      .where('id', 'in', batch)
      .execute();
    for (const row of rows) map.set(row.id, row.code);
  }
  return map;
}

async function insertSectionParts(
  db: Executor,
  items: ReadonlyArray<{
    sectionId: string;
    record: Pick<SectionRecord, 'instructors' | 'meetings' | 'reservedSeats'>;
  }>,
): Promise<void> {
  const instructors = items.flatMap((x) => instructorRows(x.sectionId, x.record.instructors));
  const meetings = items.flatMap((x) => meetingRows(x.sectionId, x.record.meetings));
  const reserved = items.flatMap((x) => reservedSeatRows(x.sectionId, x.record.reservedSeats));
  for (const batch of chunks(instructors))
    await db.insertInto('section_instructors').values(batch).execute();
  for (const batch of chunks(meetings))
    await db.insertInto('section_meetings').values(batch).execute();
  for (const batch of chunks(reserved))
    await db.insertInto('section_reserved_seats').values(batch).execute();
}

export async function updateSectionFields(
  db: Executor,
  id: string,
  fields: Partial<SectionFields>,
): Promise<void> {
  const values: Record<string, unknown> = {};
  if (fields.courseId !== undefined) values.course_id = fields.courseId;
  if (fields.crn !== undefined) values.crn = fields.crn;
  if (fields.sectionCode !== undefined) values.section_code = fields.sectionCode;
  if (fields.kind !== undefined) values.kind = fields.kind;
  if (fields.title !== undefined) values.title = fields.title;
  if (fields.credits !== undefined) values.credits = fields.credits;
  if (fields.capacity !== undefined) values.capacity = fields.capacity;
  if (fields.waitlistCapacity !== undefined) values.waitlist_capacity = fields.waitlistCapacity;
  if (fields.waitlistMode !== undefined) values.waitlist_mode = fields.waitlistMode;
  if (fields.linkedGroup !== undefined) values.linked_group = fields.linkedGroup;
  await translateUnique(
    db
      .updateTable('sections')
      .set({ ...values, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute(),
    () => new CrnTakenError(fields.crn ?? ''),
  );
}

export async function replaceSectionInstructors(
  db: Executor,
  sectionId: string,
  instructors: readonly InstructorRecord[],
): Promise<void> {
  await db.deleteFrom('section_instructors').where('section_id', '=', sectionId).execute();
  if (instructors.length > 0) {
    await db
      .insertInto('section_instructors')
      .values(instructorRows(sectionId, instructors))
      .execute();
  }
}

export async function replaceSectionMeetings(
  db: Executor,
  sectionId: string,
  meetings: readonly MeetingRecord[],
): Promise<void> {
  await db.deleteFrom('section_meetings').where('section_id', '=', sectionId).execute();
  if (meetings.length > 0) {
    await db.insertInto('section_meetings').values(meetingRows(sectionId, meetings)).execute();
  }
}

export async function replaceSectionReservedSeats(
  db: Executor,
  sectionId: string,
  reserved: readonly ReservedSeatRecord[],
): Promise<void> {
  await db.deleteFrom('section_reserved_seats').where('section_id', '=', sectionId).execute();
  if (reserved.length > 0) {
    await db
      .insertInto('section_reserved_seats')
      .values(reservedSeatRows(sectionId, reserved))
      .execute();
  }
}

/** Marks the section cancelled; returns false when it already was. Seats are registration's. */
export async function markSectionCancelled(db: Executor, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('sections')
    .set({ status: 'cancelled', cancelled_at: at, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function sameMeetings(section: Section, meetings: readonly MeetingRecord[]): boolean {
  const norm = (m: {
    days: string | null;
    startTime: string | null;
    endTime: string | null;
    location: string | null;
    startDate?: string | null | undefined;
    endDate?: string | null | undefined;
  }) => [m.days, m.startTime, m.endTime, m.location, m.startDate ?? null, m.endDate ?? null];
  return JSON.stringify(section.meetings.map(norm)) === JSON.stringify(meetings.map(norm));
}

function sameReserved(section: Section, reserved: readonly ReservedSeatRecord[]): boolean {
  const mine = reserved.map((r) => [
    `${r.groupKind}:${r.groupValue}`,
    r.label,
    r.seats,
    r.until ? r.until.toISOString() : null,
  ]);
  const theirs = section.reservedSeats.map((r) => [r.group, r.label, r.seats, r.until ?? null]);
  return JSON.stringify(mine) === JSON.stringify(theirs);
}

function sameInstructors(section: Section, instructors: readonly InstructorRecord[]): boolean {
  const mine = instructors.map((i) => [i.name, i.userId]);
  const theirs = section.instructors.map((i) => [i.name, i.userId]);
  return JSON.stringify(mine) === JSON.stringify(theirs);
}

/** Fields of `record` that differ from the stored section (courseId compared by id). */
function changedFields(section: Section, record: SectionFields): Partial<SectionFields> {
  const changes: Partial<SectionFields> = {};
  if (section.courseId !== record.courseId) changes.courseId = record.courseId;
  if (section.sectionCode !== record.sectionCode) changes.sectionCode = record.sectionCode;
  if (section.kind !== record.kind) changes.kind = record.kind;
  if (section.capacity !== record.capacity) changes.capacity = record.capacity;
  if (section.waitlistCapacity !== record.waitlistCapacity)
    changes.waitlistCapacity = record.waitlistCapacity;
  if (section.waitlistMode !== record.waitlistMode) changes.waitlistMode = record.waitlistMode;
  if ((section.linkedGroup ?? null) !== record.linkedGroup)
    changes.linkedGroup = record.linkedGroup;
  return changes;
}

/** The stored section title and credits (null when they follow the course). */
async function storedTitleAndCredits(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { title: string | null; credits: number | null }>> {
  const map = new Map<string, { title: string | null; credits: number | null }>();
  for (const batch of chunks(ids, 5000)) {
    const rows = await db
      .selectFrom('sections')
      .select(['id', 'title', 'credits'])
      .where('id', 'in', batch)
      .execute();
    for (const row of rows)
      map.set(row.id, {
        title: row.title,
        credits: row.credits === null ? null : Number(row.credits),
      });
  }
  return map;
}

/** The section's own title and credits (null where it follows its course). */
export async function getSectionOwnTitleAndCredits(
  db: Executor,
  id: string,
): Promise<{ title: string | null; credits: number | null }> {
  const own = (await storedTitleAndCredits(db, [id])).get(id);
  if (!own) throw new SectionNotFoundError();
  return own;
}

/**
 * Creates or updates a term's sections by CRN, with their instructors, meetings and reserved
 * seats (each list replaced only when it differs). Seat counters and status are left alone: they
 * belong to registration. One result per input, in order.
 */
export async function upsertSectionsByCrn(
  db: Executor,
  termId: string,
  records: readonly SectionRecord[],
): Promise<Array<{ id: string; crn: string; outcome: UpsertOutcome }>> {
  const existing = await findSectionsByCrns(
    db,
    termId,
    records.map((r) => r.crn),
  );
  const stored = await storedTitleAndCredits(
    db,
    [...existing.values()].map((s) => s.id),
  );
  const results: Array<{ id: string; crn: string; outcome: UpsertOutcome }> = [];
  const toInsert: Array<SectionRecord & { id: string }> = [];
  const inserted = new Set<string>();
  for (const record of records) {
    const current = existing.get(record.crn);
    if (!current) {
      if (inserted.has(record.crn)) throw new CrnTakenError(record.crn);
      inserted.add(record.crn);
      const id = newId();
      toInsert.push({ ...record, id });
      results.push({ id, crn: record.crn, outcome: 'created' });
      continue;
    }
    const changes = changedFields(current, record);
    const own = stored.get(current.id);
    if ((own?.title ?? null) !== record.title) changes.title = record.title;
    if ((own?.credits ?? null) !== record.credits) changes.credits = record.credits;
    let changed = Object.keys(changes).length > 0;
    if (changed) await updateSectionFields(db, current.id, changes);
    if (!sameInstructors(current, record.instructors)) {
      await replaceSectionInstructors(db, current.id, record.instructors);
      changed = true;
    }
    if (!sameMeetings(current, record.meetings)) {
      await replaceSectionMeetings(db, current.id, record.meetings);
      changed = true;
    }
    if (!sameReserved(current, record.reservedSeats)) {
      await replaceSectionReservedSeats(db, current.id, record.reservedSeats);
      changed = true;
    }
    results.push({ id: current.id, crn: record.crn, outcome: changed ? 'updated' : 'unchanged' });
  }
  if (toInsert.length > 0) await insertSections(db, termId, toInsert);
  return results;
}

/** Users by id with their roles, to check instructor links. */
export async function findUsersByIds(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, { name: string; roles: Role[] }>> {
  const map = new Map<string, { name: string; roles: Role[] }>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'roles'])
    .where('id', 'in', [...ids])
    .execute();
  for (const row of rows) map.set(row.id, { name: row.name, roles: row.roles });
  return map;
}

// ---------------------------------------------------------------- search

export type SearchSort = 'code' | 'title' | 'available' | 'startTime';

interface SortSpec {
  /** Key expressions over `sections s join courses c`, all ascending, then s.id. */
  keys: RawBuilder<unknown>[];
  /** How a cursor's key value is bound back into SQL. */
  casts: Array<(value: SortKeyValue) => RawBuilder<unknown>>;
}

const asText = (v: SortKeyValue) => sql`${String(v)}::text collate "C"`;
const asInteger = (v: SortKeyValue) => sql`${Number(v)}::integer`;
const asTime = (v: SortKeyValue) => sql`${String(v)}::time`;

// Expressions of the sections_term_*_order_idx indexes, so a page is read in index order.
const CODE_KEYS = [sql`s.course_code collate "C"`, sql`s.section_code collate "C"`];

export const SEARCH_SORT_SPECS: Record<SearchSort, SortSpec> = {
  code: { keys: CODE_KEYS, casts: [asText, asText] },
  title: {
    keys: [sql`coalesce(s.title_key, c.title_key) collate "C"`, ...CODE_KEYS],
    casts: [asText, asText, asText],
  },
  // Most seats first: the negated count keeps every key ascending for the row comparison.
  available: {
    keys: [
      sql`(case when s.status = 'active' then -greatest(s.capacity - s.enrolled, 0) else 0 end)`,
      ...CODE_KEYS,
    ],
    casts: [asInteger, asText, asText],
  },
  startTime: {
    keys: [sql`coalesce(s.first_start_time, time '24:00')`, ...CODE_KEYS],
    casts: [asTime, asText, asText],
  },
};

/** Every non-empty subset of a bit mask (at most 127 for the seven days). */
export function nonEmptySubsets(mask: number): number[] {
  const subsets: number[] = [];
  for (let subset = mask; subset > 0; subset = (subset - 1) & mask) subsets.push(subset);
  return subsets;
}

export interface SectionSearchFilter {
  termId?: string | undefined;
  courseId?: string | undefined;
  tsQuery?: string | undefined;
  /** A CRN the text may be: when a section of the term has it, that section is the answer. */
  crn?: string | undefined;
  subjects?: string[] | undefined;
  daysMask?: number | undefined;
  startAfter?: string | undefined;
  endBefore?: string | undefined;
  openOnly?: boolean | undefined;
  credits?: number | undefined;
  instructorUserId?: string | undefined;
  /** A prefix query (catalog.search.ts) over one instructor's name words. */
  instructorTsQuery?: string | undefined;
  kinds?: SectionKind[] | undefined;
  includeCancelled?: boolean | undefined;
  sort: SearchSort;
  limit: number;
  after?: CursorPayload | undefined;
}

/** One page of sections in the API shape, plus the last row's key when more rows follow. */
export async function searchSections(
  db: Executor,
  filter: SectionSearchFilter,
): Promise<{ items: Section[]; next: CursorPayload | undefined }> {
  const spec = SEARCH_SORT_SPECS[filter.sort];
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.termId !== undefined) conditions.push(sql`s.term_id = ${filter.termId}`);
  if (filter.courseId !== undefined) conditions.push(sql`s.course_id = ${filter.courseId}`);
  if (!filter.includeCancelled) conditions.push(sql`s.status = 'active'`);
  if (filter.tsQuery !== undefined) {
    // A query that is a CRN of the term finds that section. Other words find their courses
    // through the GIN index first, then those courses' sections: the planner would otherwise often
    // read the term in code order hoping to meet matches early, and matches cluster (STAT …), so
    // it read thousands of rows; measured on the large seed, courses-first halves the total.
    const crnSection =
      filter.crn !== undefined && filter.termId !== undefined
        ? await db
            .selectFrom('sections')
            .select('id')
            .where('term_id', '=', filter.termId)
            .where('crn', '=', filter.crn)
            .executeTakeFirst()
        : undefined;
    conditions.push(
      crnSection
        ? sql`s.id = ${crnSection.id}`
        : sql`s.course_id = any(array(select m.id from courses m where m.search_vector @@ to_tsquery('simple', ${filter.tsQuery})))`,
    );
  }
  if (filter.subjects && filter.subjects.length > 0) {
    conditions.push(
      sql`s.course_id = any(array(select m.id from courses m where m.subject_code = any(${filter.subjects}::text[])))`,
    );
  }
  if (filter.daysMask !== undefined) {
    // Listed as the mask's subsets rather than a bitwise test: the planner then estimates the
    // share of matching sections from column statistics and reads the ordered index when it pays.
    conditions.push(sql`s.meeting_days = any(${nonEmptySubsets(filter.daysMask)}::integer[])`);
  }
  if (filter.startAfter !== undefined)
    conditions.push(sql`s.first_start_time >= ${filter.startAfter}::time`);
  if (filter.endBefore !== undefined)
    conditions.push(sql`s.last_end_time <= ${filter.endBefore}::time`);
  if (filter.openOnly) conditions.push(sql`s.enrolled < s.capacity`);
  if (filter.credits !== undefined) {
    conditions.push(
      sql`${filter.credits}::numeric between coalesce(s.credits, c.credits_min) and coalesce(s.credits, c.credits_max)`,
    );
  }
  if (filter.instructorUserId !== undefined) {
    conditions.push(
      sql`exists (select 1 from section_instructors i where i.section_id = s.id and i.user_id = ${filter.instructorUserId})`,
    );
  } else if (filter.instructorTsQuery !== undefined) {
    conditions.push(
      sql`s.id = any(array(select i.section_id from section_instructors i where i.name_vector @@ to_tsquery('simple', ${filter.instructorTsQuery})))`,
    );
  }
  if (filter.kinds && filter.kinds.length > 0)
    conditions.push(sql`s.kind = any(${filter.kinds}::text[])`);
  if (filter.after) {
    const values = spec.casts.map((cast, i) => cast(filter.after!.keys[i] ?? ''));
    conditions.push(
      sql`(${sql.join([...spec.keys, sql`s.id`])}) > (${sql.join([...values, sql`${filter.after.id}::uuid`])})`,
    );
  }
  // The course is joined only when the credits filter or the title sort reads it, so a page in
  // code or start-time order comes straight from one index of sections.
  const needsCourse = filter.credits !== undefined || filter.sort === 'title';
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const keyColumns = spec.keys.map((key, i) => sql`${key} as ${sql.ref(`k${i}`)}`);
  const keyRefs = spec.keys.map((_, i) => sql.ref(`page.k${i}`));
  const result = await sql<ProjectedSectionRow & Record<`k${number}`, SortKeyValue>>`
    with page as (
      select s.id, ${sql.join(keyColumns)}
      from sections s ${needsCourse ? sql`join courses c on c.id = s.course_id` : sql``}
      ${where}
      order by ${sql.join(spec.keys.map((_, i) => sql.ref(`k${i}`)))}, s.id
      limit ${filter.limit + 1}
    )
    select ${sql.join(keyRefs)}, ${SECTION_PROJECTION}
    from page join sections s on s.id = page.id join courses c on c.id = s.course_id
      left join section_cards k on k.section_id = s.id
    order by ${sql.join(keyRefs)}, page.id`.execute(db);
  const rows = result.rows.slice(0, filter.limit);
  const items = rows.map(toSection);
  const last = rows.at(-1);
  const next =
    result.rows.length > filter.limit && last
      ? {
          sort: filter.sort,
          keys: spec.keys.map((_, i) => last[`k${i}`] as SortKeyValue),
          id: last.id,
        }
      : undefined;
  return { items, next };
}

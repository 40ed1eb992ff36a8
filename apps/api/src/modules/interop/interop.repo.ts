// Interop's own queries: what an import needs to know about stored catalog rows before it calls
// the catalog's upserts, the real enrolment source files report, the imports table, and the
// read-outs of a term's catalog for export.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CourseRestrictions, SectionKind } from '../../db/tables/catalog.ts';
import type { CatalogImportStatus } from '../../db/tables/interop.ts';

export type Executor = Kysely<DB> | Transaction<DB>;

const BATCH = 2000;

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * Serializes imports of one term across processes until the transaction ends, so two uploads of
 * the same catalog cannot race on the same CRNs.
 */
export async function lockTermForImport(trx: Transaction<DB>, termCode: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`catalog-import:${termCode}`}))`.execute(trx);
}

export interface StoredTerm {
  id: string;
  code: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
}

export async function findStoredTerm(db: Executor, code: string): Promise<StoredTerm | undefined> {
  return db
    .selectFrom('terms')
    .select([
      'id',
      'code',
      'name',
      'time_zone as timeZone',
      sql<string>`starts_on::text`.as('startsOn'),
      sql<string>`ends_on::text`.as('endsOn'),
    ])
    .where('code', '=', code)
    .executeTakeFirst();
}

/** Local wall-clock times in a time zone → instants, computed by PostgreSQL's zone database. */
export async function zonedInstants(
  db: Executor,
  timeZone: string,
  moments: ReadonlyArray<{ date: string; time: string }>,
): Promise<Date[]> {
  const out: Date[] = [];
  for (const moment of moments) {
    const result = await sql<{ at: Date | string }>`
      select ((${moment.date}::date + ${moment.time}::time) at time zone ${timeZone}) as at`.execute(
      db,
    );
    const at = result.rows[0]!.at;
    out.push(at instanceof Date ? at : new Date(at));
  }
  return out;
}

export async function findSubjectNames(
  db: Executor,
  codes: readonly string[],
): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  for (const batch of chunks([...new Set(codes)])) {
    const rows = await db
      .selectFrom('subjects')
      .select(['code', 'name'])
      .where('code', 'in', batch)
      .execute();
    for (const row of rows) map.set(row.code, row.name);
  }
  return map;
}

export interface StoredCourse {
  id: string;
  code: string;
  title: string;
  description: string;
  prerequisites: string | null;
  corequisites: string | null;
  restrictions: CourseRestrictions;
}

export async function findStoredCourses(
  db: Executor,
  codes: readonly string[],
): Promise<Map<string, StoredCourse>> {
  const map = new Map<string, StoredCourse>();
  for (const batch of chunks([...new Set(codes)])) {
    const rows = await db
      .selectFrom('courses')
      .select([
        'id',
        'code',
        'title',
        'description',
        'prerequisites',
        'corequisites',
        'restrictions',
      ])
      .where('code', 'in', batch)
      .execute();
    for (const row of rows) {
      map.set(row.code, { ...row, restrictions: jsonValue<CourseRestrictions>(row.restrictions) });
    }
  }
  return map;
}

export interface StoredReservedSeat {
  groupKind: 'class_standing' | 'program' | 'cohort';
  groupValue: string;
  label: string;
  seats: number;
  until: Date | null;
}

/** The stored parts of a term's sections that an import keeps when its file is silent on them. */
export interface StoredSection {
  id: string;
  crn: string;
  title: string | null;
  capacity: number;
  waitlisted: number;
  waitlistCapacity: number;
  waitlistMode: 'auto' | 'claim';
  linkedGroup: string | null;
  instructors: Array<{ name: string; userId: string | null }>;
  reservedSeats: StoredReservedSeat[];
  importedEnrolment: number | null;
}

/** Instructors of a term's sections, in order within each section. */
async function listTermInstructors(
  db: Executor,
  termId: string,
): Promise<Array<{ sectionId: string; name: string; userId: string | null }>> {
  return db
    .selectFrom('section_instructors as i')
    .innerJoin('sections as s', 's.id', 'i.section_id')
    .select(['i.section_id as sectionId', 'i.name', 'i.user_id as userId'])
    .where('s.term_id', '=', termId)
    .orderBy('i.section_id')
    .orderBy('i.position')
    .execute();
}

/** Reserved-seat rules of a term's sections, in the order they were written. */
async function listTermReservedSeats(
  db: Executor,
  termId: string,
): Promise<Array<StoredReservedSeat & { sectionId: string }>> {
  const rows = await db
    .selectFrom('section_reserved_seats as r')
    .innerJoin('sections as s', 's.id', 'r.section_id')
    .select([
      'r.section_id as sectionId',
      'r.group_kind as groupKind',
      'r.group_value as groupValue',
      'r.label',
      'r.seats',
      'r.until',
    ])
    .where('s.term_id', '=', termId)
    .orderBy('r.id')
    .execute();
  return rows.map((row) => ({ ...row, until: row.until === null ? null : new Date(row.until) }));
}

export async function findStoredSections(
  db: Executor,
  termId: string,
): Promise<Map<string, StoredSection>> {
  const sections = await db
    .selectFrom('sections')
    .select([
      'id',
      'crn',
      'title',
      'capacity',
      'waitlisted',
      'waitlist_capacity as waitlistCapacity',
      'waitlist_mode as waitlistMode',
      'linked_group as linkedGroup',
    ])
    .where('term_id', '=', termId)
    .execute();
  const byId = new Map<string, StoredSection>();
  const map = new Map<string, StoredSection>();
  for (const row of sections) {
    const section: StoredSection = {
      ...row,
      instructors: [],
      reservedSeats: [],
      importedEnrolment: null,
    };
    byId.set(row.id, section);
    map.set(row.crn, section);
  }
  if (sections.length === 0) return map;
  for (const row of await listTermInstructors(db, termId)) {
    byId.get(row.sectionId)?.instructors.push({ name: row.name, userId: row.userId });
  }
  for (const { sectionId, ...rule } of await listTermReservedSeats(db, termId)) {
    byId.get(sectionId)?.reservedSeats.push(rule);
  }
  const enrolments = await db
    .selectFrom('section_imported_enrolments as e')
    .innerJoin('sections as s', 's.id', 'e.section_id')
    .select(['e.section_id', 'e.enrolment'])
    .where('s.term_id', '=', termId)
    .execute();
  for (const row of enrolments) {
    const section = byId.get(row.section_id);
    if (section) section.importedEnrolment = row.enrolment;
  }
  return map;
}

export async function upsertImportedEnrolments(
  db: Executor,
  rows: ReadonlyArray<{ sectionId: string; enrolment: number; sourceFormat: string }>,
): Promise<void> {
  for (const batch of chunks(rows, 1000)) {
    await db
      .insertInto('section_imported_enrolments')
      .values(
        batch.map((r) => ({
          section_id: r.sectionId,
          enrolment: r.enrolment,
          source_format: r.sourceFormat,
        })),
      )
      .onConflict((oc) =>
        oc.column('section_id').doUpdateSet((eb) => ({
          enrolment: eb.ref('excluded.enrolment'),
          source_format: eb.ref('excluded.source_format'),
        })),
      )
      .execute();
  }
}

// ---------------------------------------------------------------- imports table

export interface ImportFileInput {
  name: string;
  content: Uint8Array;
}

export interface ImportRecord {
  id: string;
  format: string;
  termCode: string;
  options: Record<string, unknown>;
  status: CatalogImportStatus;
  phase: string | null;
  progressDone: number;
  progressTotal: number;
  summary: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  files: Array<{ name: string; sizeBytes: number }>;
}

export async function insertImport(
  db: Executor,
  record: {
    id: string;
    format: string;
    termCode: string;
    options: Record<string, unknown>;
    createdBy: string | null;
    files: readonly ImportFileInput[];
  },
): Promise<void> {
  await db
    .insertInto('catalog_imports')
    .values({
      id: record.id,
      format: record.format,
      term_code: record.termCode,
      options: JSON.stringify(record.options),
      phase: 'queued',
      created_by: record.createdBy,
      summary: null,
      error_code: null,
      error_message: null,
    })
    .execute();
  for (const [position, file] of record.files.entries()) {
    await db
      .insertInto('catalog_import_files')
      .values({
        import_id: record.id,
        position,
        name: file.name,
        size_bytes: file.content.byteLength,
        content: file.content,
      })
      .execute();
  }
}

function selectImports(db: Executor) {
  return db
    .selectFrom('catalog_imports as i')
    .select([
      'i.id',
      'i.format',
      'i.term_code',
      'i.options',
      'i.status',
      'i.phase',
      'i.progress_done',
      'i.progress_total',
      'i.summary',
      'i.error_code',
      'i.error_message',
      'i.created_by',
      'i.created_at',
      'i.started_at',
      'i.finished_at',
      sql<unknown>`coalesce((select json_agg(json_build_object('name', f.name, 'sizeBytes', f.size_bytes) order by f.position) from catalog_import_files f where f.import_id = i.id), '[]')`.as(
        'files',
      ),
    ]);
}

type ImportRow = Awaited<ReturnType<ReturnType<typeof selectImports>['executeTakeFirstOrThrow']>>;

function toImportRecord(row: ImportRow): ImportRecord {
  const date = (value: Date | string | null): Date | null =>
    value === null ? null : value instanceof Date ? value : new Date(value);
  return {
    id: row.id,
    format: row.format,
    termCode: row.term_code,
    options: jsonValue<Record<string, unknown>>(row.options),
    status: row.status,
    phase: row.phase,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
    summary: row.summary === null ? null : jsonValue<unknown>(row.summary),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdBy: row.created_by,
    createdAt: date(row.created_at)!,
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    files: jsonValue<Array<{ name: string; sizeBytes: number }>>(row.files),
  };
}

export async function findImport(db: Executor, id: string): Promise<ImportRecord | undefined> {
  const row = await selectImports(db).where('i.id', '=', id).executeTakeFirst();
  return row && toImportRecord(row);
}

/** Newest first; `before` is the id of the last import of the previous page (ids sort by time). */
export async function listImports(
  db: Executor,
  page: { limit: number; before?: string | undefined },
): Promise<ImportRecord[]> {
  let query = selectImports(db).orderBy('i.id', 'desc').limit(page.limit);
  if (page.before) query = query.where('i.id', '<', page.before);
  return (await query.execute()).map(toImportRecord);
}

/** Takes a queued (or crashed while running) import; false when it has already finished. */
export async function markImportRunning(db: Executor, id: string): Promise<boolean> {
  const result = await db
    .updateTable('catalog_imports')
    .set({ status: 'running', phase: 'reading', started_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function updateImportProgress(
  db: Executor,
  id: string,
  progress: { phase: string; done: number; total: number },
): Promise<void> {
  await db
    .updateTable('catalog_imports')
    .set({ phase: progress.phase, progress_done: progress.done, progress_total: progress.total })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function finishImport(
  db: Executor,
  id: string,
  outcome:
    | { status: 'succeeded'; summary: unknown; total: number }
    | { status: 'failed'; summary: unknown; errorCode: string; errorMessage: string },
): Promise<void> {
  await db
    .updateTable('catalog_imports')
    .set({
      status: outcome.status,
      phase: outcome.status === 'succeeded' ? 'done' : 'failed',
      summary: outcome.summary === null ? null : JSON.stringify(outcome.summary),
      error_code: outcome.status === 'failed' ? outcome.errorCode : null,
      error_message: outcome.status === 'failed' ? outcome.errorMessage : null,
      ...(outcome.status === 'succeeded'
        ? { progress_done: outcome.total, progress_total: outcome.total }
        : {}),
      finished_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
  // The upload has served its purpose; its name and size stay for the record.
  await db
    .updateTable('catalog_import_files')
    .set({ content: null })
    .where('import_id', '=', id)
    .execute();
}

export async function loadImportFiles(
  db: Executor,
  id: string,
): Promise<Array<{ name: string; content: Uint8Array | null }>> {
  const rows = await db
    .selectFrom('catalog_import_files')
    .select(['name', 'content'])
    .where('import_id', '=', id)
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    content: row.content === null ? null : new Uint8Array(row.content),
  }));
}

// ---------------------------------------------------------------- export read-outs

export interface ExportTermRow {
  id: string;
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
}

export async function findExportTerm(
  db: Executor,
  code: string,
): Promise<ExportTermRow | undefined> {
  const row = await db
    .selectFrom('terms')
    .select([
      'id',
      'code',
      'name',
      'time_zone as timeZone',
      sql<string>`starts_on::text`.as('startsOn'),
      sql<string>`ends_on::text`.as('endsOn'),
      'registration_opens_at as registrationOpensAt',
      'registration_closes_at as registrationClosesAt',
      'add_drop_deadline as addDropDeadline',
      'withdraw_deadline as withdrawDeadline',
      'min_credits as minCredits',
      'max_credits as maxCredits',
    ])
    .where('code', '=', code)
    .executeTakeFirst();
  return row && { ...row, minCredits: Number(row.minCredits), maxCredits: Number(row.maxCredits) };
}

export interface ExportCourseRow {
  id: string;
  code: string;
  subjectCode: string;
  subjectName: string;
  number: string;
  title: string;
  description: string;
  creditsMin: number;
  creditsMax: number;
  prerequisites: string | null;
  corequisites: string | null;
  restrictions: CourseRestrictions;
}

/** The courses that have sections in the term, by code. */
export async function listTermCourses(db: Executor, termId: string): Promise<ExportCourseRow[]> {
  const rows = await db
    .selectFrom('courses as c')
    .innerJoin('subjects as sub', 'sub.code', 'c.subject_code')
    .select([
      'c.id',
      'c.code',
      'c.subject_code as subjectCode',
      'sub.name as subjectName',
      'c.number',
      'c.title',
      'c.description',
      'c.credits_min as creditsMin',
      'c.credits_max as creditsMax',
      'c.prerequisites',
      'c.corequisites',
      'c.restrictions',
    ])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sections as s')
          .select(sql`1`.as('one'))
          .whereRef('s.course_id', '=', 'c.id')
          .where('s.term_id', '=', termId),
      ),
    )
    .orderBy(sql`c.code collate "C"`)
    .execute();
  return rows.map((row) => ({
    ...row,
    creditsMin: Number(row.creditsMin),
    creditsMax: Number(row.creditsMax),
    restrictions: jsonValue<CourseRestrictions>(row.restrictions),
  }));
}

export interface ExportSectionRow {
  id: string;
  crn: string;
  courseCode: string;
  sectionCode: string;
  kind: SectionKind;
  title: string | null;
  credits: number | null;
  capacity: number;
  waitlistCapacity: number;
  enrolled: number;
  waitlisted: number;
  linkedGroup: string | null;
  status: 'active' | 'cancelled';
  importedEnrolment: number | null;
  instructors: string[];
  meetings: Array<{
    days: string | null;
    startTime: string | null;
    endTime: string | null;
    location: string | null;
    startDate: string | null;
    endDate: string | null;
  }>;
  reservedSeats: Array<{
    groupKind: string;
    groupValue: string;
    label: string;
    seats: number;
    until: string | null;
  }>;
}

/** A term's sections with their parts, ordered by course code, section code and CRN. */
export async function listTermSections(db: Executor, termId: string): Promise<ExportSectionRow[]> {
  const sections = await db
    .selectFrom('sections as s')
    .innerJoin('courses as c', 'c.id', 's.course_id')
    .leftJoin('section_imported_enrolments as e', 'e.section_id', 's.id')
    .select([
      's.id',
      's.crn',
      'c.code as courseCode',
      's.section_code as sectionCode',
      's.kind',
      's.title',
      's.credits',
      's.capacity',
      's.waitlist_capacity as waitlistCapacity',
      's.enrolled',
      's.waitlisted',
      's.linked_group as linkedGroup',
      's.status',
      'e.enrolment as importedEnrolment',
    ])
    .where('s.term_id', '=', termId)
    .orderBy(sql`c.code collate "C"`)
    .orderBy(sql`s.section_code collate "C"`)
    .orderBy(sql`s.crn collate "C"`)
    .execute();
  const byId = new Map<string, ExportSectionRow>();
  const out = sections.map((row) => {
    const section: ExportSectionRow = {
      ...row,
      credits: row.credits === null ? null : Number(row.credits),
      importedEnrolment: row.importedEnrolment ?? null,
      instructors: [],
      meetings: [],
      reservedSeats: [],
    };
    byId.set(row.id, section);
    return section;
  });
  for (const row of await listTermInstructors(db, termId))
    byId.get(row.sectionId)?.instructors.push(row.name);
  const meetings = await db
    .selectFrom('section_meetings as m')
    .innerJoin('sections as s', 's.id', 'm.section_id')
    .select([
      'm.section_id',
      'm.days',
      sql<string | null>`to_char(m.start_time, 'HH24:MI')`.as('startTime'),
      sql<string | null>`to_char(m.end_time, 'HH24:MI')`.as('endTime'),
      'm.location',
      sql<string | null>`m.start_date::text`.as('startDate'),
      sql<string | null>`m.end_date::text`.as('endDate'),
    ])
    .where('s.term_id', '=', termId)
    .orderBy('m.id')
    .execute();
  for (const { section_id: sectionId, ...meeting } of meetings)
    byId.get(sectionId)?.meetings.push(meeting);
  for (const { sectionId, until, ...rule } of await listTermReservedSeats(db, termId)) {
    byId.get(sectionId)?.reservedSeats.push({ ...rule, until: until?.toISOString() ?? null });
  }
  return out;
}

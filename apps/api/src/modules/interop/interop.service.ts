// Catalog import and export: reads real catalog files, compares them with what is stored and
// writes only the differences through the catalog's upserts, one transaction per file; exports a
// term's catalog as JSON or CSV. The admin upload runs the same import as a background job.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import { AppError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import {
  insertTerm,
  lockSection,
  upsertCoursesByCode,
  upsertSectionsByCrn,
  upsertSubjects,
  type CourseRecord,
  type SectionRecord,
  type UpsertOutcome,
} from '../catalog/catalog.repo.ts';
import {
  fromGatechPrereqs,
  fromQuacsCorequisites,
  fromQuacsPrereqs,
} from '../catalog/catalog.requisites-convert.ts';
import { printRequisite, type RequisiteExpr } from '../catalog/catalog.requisites.ts';
import type { SectionLifecycleHooks } from '../catalog/catalog.service.ts';
import {
  DEFAULT_SECTION_CAPACITY,
  DEFAULT_TIME_ZONES,
  isCatalogFormat,
  parseCatalogFiles,
  type CatalogBatch,
  type ImportedCourse,
  type ImportedSection,
  type PrerequisiteSource,
  type SourceFile,
} from './interop.catalog-formats.ts';
import {
  CatalogFileError,
  ImportNotFoundError,
  ImportOptionsError,
  TermNotFoundError,
} from './interop.errors.ts';
import {
  findExportTerm,
  findImport,
  findStoredCourses,
  findStoredSections,
  findStoredTerm,
  findSubjectNames,
  finishImport,
  insertImport,
  listImports,
  listTermCourses,
  listTermSections,
  loadImportFiles,
  lockTermForImport,
  markImportRunning,
  updateImportProgress,
  upsertImportedEnrolments,
  zonedInstants,
  type ExportCourseRow,
  type ExportSectionRow,
  type ImportRecord,
  type StoredCourse,
  type StoredSection,
  type StoredTerm,
} from './interop.repo.ts';
import type {
  CatalogFormat,
  CatalogImport,
  FileSummary,
  ImportCounts,
  ImportReport,
} from './interop.schemas.ts';

export interface ImportOptions {
  format: string;
  termCode: string;
  /** Used only when the import creates the term. */
  termName?: string | undefined;
  timeZone?: string | undefined;
  startsOn?: string | undefined;
  endsOn?: string | undefined;
  /** Capacity of new sections whose file carries none (default 30). */
  defaultCapacity?: number | undefined;
  /** Do everything, report what would change, then roll each file back. */
  dryRun?: boolean | undefined;
}

export interface CheckedOptions {
  format: CatalogFormat;
  termCode: string;
  termName: string | undefined;
  timeZone: string | undefined;
  startsOn: string | undefined;
  endsOn: string | undefined;
  defaultCapacity: number;
  dryRun: boolean;
}

export type ImportPhase = 'reading' | 'courses' | 'sections' | 'done';

export interface ImportProgress {
  phase: ImportPhase;
  file: string;
  /** Courses and sections settled so far, over every file of the import. */
  done: number;
  total: number;
}

export type ProgressListener = (progress: ImportProgress) => void;

const CHUNK = 500;
const TERM_CODE_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,39}$/;

function isValidDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function isValidTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Checks import options; every problem is a 400 naming the option. */
export function checkImportOptions(options: ImportOptions): CheckedOptions {
  const format = options.format.trim();
  if (!isCatalogFormat(format)) {
    throw new ImportOptionsError(
      `Unknown catalog format "${options.format}": use uiuc-csv, gt-scheduler or quacs.`,
      'format',
    );
  }
  const termCode = options.termCode.trim();
  if (!TERM_CODE_RE.test(termCode)) {
    throw new ImportOptionsError(
      `Term code "${options.termCode}" must be 1 to 40 letters, digits, spaces, dots, dashes or underscores.`,
      'termCode',
    );
  }
  const termName = options.termName?.trim() || undefined;
  if (termName !== undefined && termName.length > 100)
    throw new ImportOptionsError('The term name is longer than 100 characters.', 'termName');
  const timeZone = options.timeZone?.trim() || undefined;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new ImportOptionsError(
      `"${timeZone}" is not an IANA time zone (e.g. America/Chicago).`,
      'timeZone',
    );
  }
  for (const key of ['startsOn', 'endsOn'] as const) {
    const value = options[key];
    if (value !== undefined && value !== '' && !isValidDate(value))
      throw new ImportOptionsError(`${key} must be a date as YYYY-MM-DD (got "${value}").`, key);
  }
  const startsOn = options.startsOn || undefined;
  const endsOn = options.endsOn || undefined;
  if (startsOn && endsOn && startsOn > endsOn)
    throw new ImportOptionsError('The term cannot end before it starts.', 'endsOn');
  const defaultCapacity = options.defaultCapacity ?? DEFAULT_SECTION_CAPACITY;
  if (!Number.isInteger(defaultCapacity) || defaultCapacity < 0 || defaultCapacity > 100_000) {
    throw new ImportOptionsError(
      'The default capacity must be a whole number from 0 to 100000.',
      'defaultCapacity',
    );
  }
  return {
    format,
    termCode,
    termName,
    timeZone,
    startsOn,
    endsOn,
    defaultCapacity,
    dryRun: options.dryRun === true,
  };
}

// ---------------------------------------------------------------- import

/**
 * A file whose transaction failed: nothing from it was written. Files before it in the same
 * import were committed and are described in `completed`.
 */
export class CatalogImportFailedError extends AppError {
  readonly completed: ImportReport;
  constructor(file: string, cause: unknown, completed: ImportReport) {
    const known = cause instanceof AppError;
    const earlier =
      completed.files.length > 0
        ? ` The file(s) before it (${completed.files.map((f) => f.file).join(', ')}) were imported.`
        : '';
    super(
      known ? cause.status : 500,
      known ? cause.code : 'import_failed',
      known
        ? `${cause.message}${cause.message.startsWith(file) ? '' : ` (in ${file})`}; nothing from ${file} was written.${earlier}`
        : `Importing ${file} failed on our side; nothing from it was written.${earlier}`,
      { cause, ...(known && cause.errors ? { errors: cause.errors } : {}) },
    );
    this.completed = completed;
  }
}

/** Thrown at the end of a dry run's transaction so that it rolls back; carries the summary. */
class DryRunRollback extends Error {
  readonly summary: FileSummary;
  constructor(summary: FileSummary) {
    super('dry run: rolled back');
    this.summary = summary;
  }
}

/** Checked options and every file read: nothing can be refused after this point but the writes. */
export interface PreparedImport {
  options: CheckedOptions;
  batches: CatalogBatch[];
}

/** Checks the options and reads every file; throws (400 or 422) before anything is written. */
export function prepareCatalogImport(
  options: ImportOptions,
  files: readonly SourceFile[],
): PreparedImport {
  const checked = checkImportOptions(options);
  const batches = parseCatalogFiles(checked.format, files, {
    termCode: checked.termCode,
    defaultCapacity: checked.defaultCapacity,
  });
  return { options: checked, batches };
}

/** Courses and sections an import settles: the unit of its progress. */
export function importUnits(prepared: PreparedImport): number {
  return prepared.batches.reduce((sum, b) => sum + b.courses.length + b.sections.length, 0);
}

/**
 * Applies a prepared import, each section file in its own transaction, so a failure leaves that
 * file entirely unapplied. Re-importing the same files changes nothing and reports everything
 * unchanged.
 */
export async function applyCatalogImport(
  db: Kysely<DB>,
  prepared: PreparedImport,
  onProgress: ProgressListener = () => undefined,
  hooks?: SectionLifecycleHooks,
): Promise<ImportReport> {
  const { options, batches } = prepared;
  const total = importUnits(prepared);
  const progress = { done: 0, total };
  const summaries: FileSummary[] = [];
  for (const batch of batches) {
    try {
      summaries.push(
        await db
          .transaction()
          .execute(async (trx) => {
            // Registration's hooks may notify students: not for a dry run.
            const summary = await applyBatch(
              trx,
              batch,
              options,
              progress,
              onProgress,
              options.dryRun ? undefined : hooks,
            );
            if (options.dryRun) throw new DryRunRollback(summary);
            return summary;
          })
          .catch((error: unknown) => {
            if (error instanceof DryRunRollback) return error.summary;
            throw error;
          }),
      );
    } catch (error) {
      throw new CatalogImportFailedError(batch.file, error, {
        format: options.format,
        termCode: options.termCode,
        changed: summaries.some((s) => s.changed),
        dryRun: options.dryRun,
        files: summaries,
      });
    }
  }
  onProgress({ phase: 'done', file: batches.at(-1)?.file ?? '', done: total, total });
  return {
    format: options.format,
    termCode: options.termCode,
    changed: summaries.some((s) => s.changed),
    dryRun: options.dryRun,
    files: summaries,
  };
}

/** Reads, checks and imports catalog files into a term (see prepare and apply above). */
export async function importCatalog(
  db: Kysely<DB>,
  options: ImportOptions,
  files: readonly SourceFile[],
  onProgress: ProgressListener = () => undefined,
  hooks?: SectionLifecycleHooks,
): Promise<ImportReport> {
  onProgress({ phase: 'reading', file: files[0]?.name ?? '', done: 0, total: 0 });
  return applyCatalogImport(db, prepareCatalogImport(options, files), onProgress, hooks);
}

function emptyCounts(): ImportCounts {
  return { created: 0, updated: 0, unchanged: 0 };
}

function tally(counts: ImportCounts, outcome: UpsertOutcome): void {
  counts[outcome] += 1;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A term the import has to create: class dates from the data (or the options), registration
 * opening eight weeks before classes, add/drop a week into the term (when registration closes),
 * and the withdraw deadline at 60 % of the term. The admin edits them afterwards.
 */
async function createTermForBatch(
  trx: Transaction<DB>,
  batch: CatalogBatch,
  options: CheckedOptions,
): Promise<StoredTerm> {
  const startsOn = options.startsOn ?? batch.term.startsOn;
  const endsOn = options.endsOn ?? batch.term.endsOn;
  if (!startsOn || !endsOn) {
    throw new ImportOptionsError(
      `Term ${options.termCode} does not exist and ${batch.file} carries no class dates: give the term's start and end dates.`,
      'startsOn',
    );
  }
  if (startsOn > endsOn)
    throw new ImportOptionsError(`The term would end (${endsOn}) before it starts (${startsOn}).`);
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONES[batch.format];
  const length = daysBetween(startsOn, endsOn);
  const addDrop = addDays(startsOn, Math.min(7, length));
  const withdraw = addDays(startsOn, Math.max(Math.min(7, length), Math.round(length * 0.6)));
  const [opensAt, closesAt, withdrawAt] = await zonedInstants(trx, timeZone, [
    { date: addDays(startsOn, -56), time: '08:00' },
    { date: addDrop, time: '23:59' },
    { date: withdraw, time: '23:59' },
  ]);
  const term = await insertTerm(trx, {
    code: options.termCode,
    name: options.termName ?? batch.term.name ?? options.termCode,
    timeZone,
    startsOn,
    endsOn,
    registrationOpensAt: opensAt!,
    registrationClosesAt: closesAt!,
    addDropDeadline: closesAt!,
    withdrawDeadline: withdrawAt!,
    minCredits: 0,
    maxCredits: 18,
    claimWindowHours: null,
  });
  return {
    id: term.id,
    code: term.code,
    name: term.name,
    timeZone: term.timeZone,
    startsOn: term.startsOn,
    endsOn: term.endsOn,
  };
}

/** The canonical expression text of a source prerequisite tree; a string error when impossible. */
function convertPrerequisites(
  source: PrerequisiteSource,
): { text: string | null } | { error: string } {
  try {
    let expr: RequisiteExpr | null;
    switch (source.kind) {
      case 'gatech':
        expr = fromGatechPrereqs(source.tree);
        break;
      case 'quacs':
        expr = fromQuacsPrereqs(source.tree);
        break;
    }
    return { text: expr === null ? null : printRequisite(expr) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function convertCorequisites(
  codes: readonly string[],
): { text: string | null } | { error: string } {
  try {
    const expr = fromQuacsCorequisites(codes);
    return { text: expr === null ? null : printRequisite(expr) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function courseRecord(
  course: ImportedCourse,
  stored: StoredCourse | undefined,
  prerequisites: string | null | undefined,
  corequisites: string | null | undefined,
): CourseRecord {
  return {
    subject: course.subjectCode,
    number: course.number,
    title: course.titleAuthoritative || !stored ? course.title : stored.title,
    description: course.description ?? stored?.description ?? '',
    creditsMin: course.creditsMin,
    creditsMax: course.creditsMax,
    prerequisites: prerequisites !== undefined ? prerequisites : (stored?.prerequisites ?? null),
    corequisites: corequisites !== undefined ? corequisites : (stored?.corequisites ?? null),
    restrictions: course.restrictions ?? stored?.restrictions ?? {},
  };
}

function hhmm(time: string | null): string | null {
  return time === null ? null : time.slice(0, 5);
}

/**
 * The full record the catalog upsert wants: what the file says, and for what it does not say
 * (capacity it lacks, wait-list settings, instructor accounts, release dates) what is stored.
 */
function sectionRecord(
  section: ImportedSection,
  courseId: string,
  stored: StoredSection | undefined,
): SectionRecord {
  const userIds = new Map(stored?.instructors.map((i) => [i.name, i.userId]) ?? []);
  const until = new Map(
    stored?.reservedSeats.map((r) => [`${r.groupKind}:${r.groupValue}`, r.until]) ?? [],
  );
  return {
    courseId,
    crn: section.crn,
    sectionCode: section.sectionCode,
    kind: section.kind,
    title: section.titleAuthoritative || !stored ? section.title : stored.title,
    credits: section.credits,
    capacity: stored && section.capacitySource !== 'file' ? stored.capacity : section.capacity,
    waitlistCapacity: stored?.waitlistCapacity ?? 0,
    waitlistMode: stored?.waitlistMode ?? 'auto',
    linkedGroup:
      section.linkedGroup !== undefined ? section.linkedGroup : (stored?.linkedGroup ?? null),
    instructors: section.instructors.map((name) => ({ name, userId: userIds.get(name) ?? null })),
    meetings: section.meetings.map((m) => ({
      days: m.days,
      startTime: hhmm(m.startTime),
      endTime: hhmm(m.endTime),
      location: m.location,
      startDate: m.startDate,
      endDate: m.endDate,
    })),
    reservedSeats: section.reservedSeats
      ? section.reservedSeats.map((r) => ({
          ...r,
          until: until.get(`${r.groupKind}:${r.groupValue}`) ?? null,
        }))
      : (stored?.reservedSeats ?? []),
  };
}

async function applyBatch(
  trx: Transaction<DB>,
  batch: CatalogBatch,
  options: CheckedOptions,
  progress: { done: number; total: number },
  onProgress: ProgressListener,
  hooks: SectionLifecycleHooks | undefined,
): Promise<FileSummary> {
  const report = (phase: ImportPhase) =>
    onProgress({ phase, file: batch.file, done: progress.done, total: progress.total });
  const notes = [...batch.notes];
  let term: StoredTerm | undefined;
  let termCreated = false;
  if (batch.hasSections) {
    await lockTermForImport(trx, options.termCode);
    term = await findStoredTerm(trx, options.termCode);
    if (!term) {
      term = await createTermForBatch(trx, batch, options);
      termCreated = true;
      notes.push(
        `Created term ${term.code} "${term.name}" (${term.startsOn} to ${term.endsOn}, ${term.timeZone}); registration opens 8 weeks before classes, add/drop closes after the first week, withdrawal at 60 % of the term: review these dates.`,
      );
    } else if (options.termName || options.timeZone || options.startsOn || options.endsOn) {
      notes.push(
        `Term ${term.code} already exists: its name, time zone and dates were left as stored.`,
      );
    }
  }

  // Subjects: a name the file does not give never replaces a stored one.
  const subjectNames = await findSubjectNames(
    trx,
    batch.subjects.map((s) => s.code),
  );
  const subjects = emptyCounts();
  const subjectOutcomes = await upsertSubjects(
    trx,
    batch.subjects.map((s) => ({
      code: s.code,
      name: s.name ?? subjectNames.get(s.code) ?? s.code,
    })),
  );
  for (const outcome of subjectOutcomes) tally(subjects, outcome);

  // Courses, in chunks so progress moves.
  const storedCourses = await findStoredCourses(
    trx,
    batch.courses.map((c) => c.code),
  );
  const courses = emptyCounts();
  const courseIds = new Map<string, string>();
  const prerequisites = { trees: 0, converted: 0, unconvertible: 0 };
  report('courses');
  for (let i = 0; i < batch.courses.length; i += CHUNK) {
    const chunk = batch.courses.slice(i, i + CHUNK);
    const records = chunk.map((course) => {
      let prerequisiteText: string | null | undefined;
      if (course.prerequisites === null) prerequisiteText = null;
      else if (course.prerequisites) {
        prerequisites.trees += 1;
        const converted = convertPrerequisites(course.prerequisites);
        if ('error' in converted) {
          prerequisites.unconvertible += 1;
          batch.skipped.add(
            'prerequisite tree that cannot be converted (stored prerequisites kept)',
            `${course.code}: ${converted.error}`,
          );
        } else {
          prerequisites.converted += 1;
          prerequisiteText = converted.text;
        }
      }
      let corequisiteText: string | null | undefined;
      if (course.corequisites) {
        const converted = convertCorequisites(course.corequisites);
        if ('error' in converted) {
          batch.skipped.add(
            'corequisites that cannot be converted (stored corequisites kept)',
            `${course.code}: ${converted.error}`,
          );
        } else corequisiteText = converted.text;
      }
      return courseRecord(
        course,
        storedCourses.get(course.code),
        prerequisiteText,
        corequisiteText,
      );
    });
    const results = await upsertCoursesByCode(trx, records);
    for (const result of results) {
      tally(courses, result.outcome);
      courseIds.set(result.code, result.id);
    }
    progress.done += chunk.length;
    report('courses');
  }

  // Sections of the term, by CRN.
  const sections = emptyCounts();
  let sectionsNotInFile = 0;
  let enrolmentSections = 0;
  let enrolmentStudents = 0;
  let waitlistsGrown = 0;
  if (term) {
    const stored = await findStoredSections(trx, term.id);
    const inFile = new Set(batch.sections.map((s) => s.crn));
    for (const crn of stored.keys()) if (!inFile.has(crn)) sectionsNotInFile += 1;
    report('sections');
    for (let i = 0; i < batch.sections.length; i += CHUNK) {
      const slice = batch.sections.slice(i, i + CHUNK);
      const chunk = slice.filter((section) => {
        if (courseIds.has(section.courseCode)) return true;
        batch.skipped.add('section of a course that was skipped', `CRN ${section.crn}`);
        return false;
      });
      const results = await upsertSectionsByCrn(
        trx,
        term.id,
        chunk.map((s) => sectionRecord(s, courseIds.get(s.courseCode)!, stored.get(s.crn))),
      );
      const enrolments: Array<{ sectionId: string; enrolment: number; sourceFormat: string }> = [];
      results.forEach((result, j) => {
        const section = chunk[j]!;
        let outcome = result.outcome;
        if (section.importedEnrolment !== undefined) {
          enrolmentSections += 1;
          enrolmentStudents += section.importedEnrolment;
          if (stored.get(section.crn)?.importedEnrolment !== section.importedEnrolment) {
            enrolments.push({
              sectionId: result.id,
              enrolment: section.importedEnrolment,
              sourceFormat: batch.format,
            });
            if (outcome === 'unchanged') outcome = 'updated';
          }
        }
        tally(sections, outcome);
      });
      await upsertImportedEnrolments(trx, enrolments);
      // A file that raises a capacity frees seats: registration promotes from the wait-list in
      // this same transaction, as when an admin edits the section (sections in id order).
      const grown = results
        .map((result, j) => ({ id: result.id, previous: stored.get(chunk[j]!.crn) }))
        .filter(
          (x, j): x is { id: string; previous: StoredSection } =>
            x.previous !== undefined &&
            chunk[j]!.capacitySource === 'file' &&
            chunk[j]!.capacity > x.previous.capacity,
        )
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const { id, previous } of grown) {
        if (previous.waitlisted > 0) waitlistsGrown += 1;
        if (!hooks?.afterCapacityChanged) continue;
        await hooks.afterCapacityChanged(trx, await lockSection(trx, id), previous.capacity);
      }
      progress.done += slice.length;
      report('sections');
    }
  }
  if (waitlistsGrown > 0) {
    notes.push(
      hooks?.afterCapacityChanged
        ? `Capacity grew on ${waitlistsGrown} section(s) with a wait-list: their wait-lists were promoted.`
        : `Capacity grew on ${waitlistsGrown} section(s) with a wait-list; nobody was promoted by this import: raise the capacity in the admin (or import through the admin upload) to promote.`,
    );
  }
  if (sectionsNotInFile > 0) {
    notes.push(
      `${sectionsNotInFile} section(s) of term ${options.termCode} are not in this file; they were left as they are.`,
    );
  }

  const changed =
    termCreated || [subjects, courses, sections].some((c) => c.created > 0 || c.updated > 0);
  return {
    file: batch.file,
    companions: batch.companions,
    hasSections: batch.hasSections,
    term: term ? { ...term, created: termCreated } : null,
    changed,
    subjects,
    courses,
    sections,
    prerequisites,
    importedEnrolment:
      enrolmentSections > 0 ? { sections: enrolmentSections, students: enrolmentStudents } : null,
    sectionsNotInFile,
    skipped: batch.skipped.list(),
    skippedTotal: batch.skipped.total,
    notes,
    source: batch.stats,
  };
}

// ---------------------------------------------------------------- export

export const EXPORT_FORMATS = ['json', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface CatalogExport {
  contentType: string;
  fileName: string;
  body: string;
}

/** A term's catalog as an OpenRegistrar JSON document or a CSV with one row per meeting. */
export async function exportCatalog(
  db: Kysely<DB>,
  termCode: string,
  format: ExportFormat,
): Promise<CatalogExport> {
  const term = await findExportTerm(db, termCode);
  if (!term) throw new TermNotFoundError(termCode);
  const [courses, sections] = await Promise.all([
    listTermCourses(db, term.id),
    listTermSections(db, term.id),
  ]);
  const safeName = term.code.replace(/[^A-Za-z0-9._-]+/g, '-');
  if (format === 'csv') {
    return {
      contentType: 'text/csv; charset=utf-8',
      fileName: `catalog-${safeName}.csv`,
      body: catalogCsv(term.code, courses, sections),
    };
  }
  const subjects = new Map<string, string>();
  for (const course of courses) subjects.set(course.subjectCode, course.subjectName);
  const document = {
    format: 'openregistrar-catalog',
    version: 1,
    term: {
      code: term.code,
      name: term.name,
      timeZone: term.timeZone,
      startsOn: term.startsOn,
      endsOn: term.endsOn,
      registrationOpensAt: new Date(term.registrationOpensAt).toISOString(),
      registrationClosesAt: new Date(term.registrationClosesAt).toISOString(),
      addDropDeadline: new Date(term.addDropDeadline).toISOString(),
      withdrawDeadline: new Date(term.withdrawDeadline).toISOString(),
      minCredits: term.minCredits,
      maxCredits: term.maxCredits,
    },
    subjects: [...subjects].map(([code, name]) => ({ code, name })),
    courses: courses.map((c) => ({
      code: c.code,
      subject: c.subjectCode,
      number: c.number,
      title: c.title,
      description: c.description,
      credits: { min: c.creditsMin, max: c.creditsMax },
      prerequisites: c.prerequisites,
      corequisites: c.corequisites,
      restrictions: c.restrictions,
    })),
    sections: sections.map((s) => ({
      crn: s.crn,
      course: s.courseCode,
      sectionCode: s.sectionCode,
      code: `${s.courseCode} ${s.sectionCode}`,
      kind: s.kind,
      title: s.title,
      credits: s.credits,
      status: s.status,
      instructors: s.instructors,
      meetings: s.meetings,
      capacity: s.capacity,
      waitlistCapacity: s.waitlistCapacity,
      reservedSeats: s.reservedSeats.map((r) => ({
        group: `${r.groupKind}:${r.groupValue}`,
        label: r.label,
        seats: r.seats,
        until: r.until,
      })),
      linkedGroup: s.linkedGroup,
      seats: { enrolled: s.enrolled, waitlisted: s.waitlisted },
      importedEnrolment: s.importedEnrolment,
    })),
  };
  return {
    contentType: 'application/json; charset=utf-8',
    fileName: `catalog-${safeName}.json`,
    body: `${JSON.stringify(document, null, 2)}\n`,
  };
}

export const CSV_COLUMNS = [
  'term',
  'crn',
  'course',
  'section',
  'title',
  'kind',
  'credits_min',
  'credits_max',
  'status',
  'capacity',
  'waitlist_capacity',
  'enrolled',
  'waitlisted',
  'imported_enrolment',
  'linked_group',
  'instructors',
  'days',
  'start_time',
  'end_time',
  'location',
  'start_date',
  'end_date',
  'reserved_seats',
  'prerequisites',
  'corequisites',
] as const;

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with '. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function catalogCsv(
  termCode: string,
  courses: readonly ExportCourseRow[],
  sections: readonly ExportSectionRow[],
): string {
  const byCode = new Map(courses.map((c) => [c.code, c]));
  const lines = [CSV_COLUMNS.join(',')];
  for (const section of sections) {
    const course = byCode.get(section.courseCode);
    const base = [
      termCode,
      section.crn,
      section.courseCode,
      section.sectionCode,
      section.title ?? course?.title ?? '',
      section.kind,
      section.credits ?? course?.creditsMin ?? null,
      section.credits ?? course?.creditsMax ?? null,
      section.status,
      section.capacity,
      section.waitlistCapacity,
      section.enrolled,
      section.waitlisted,
      section.importedEnrolment,
      section.linkedGroup,
      section.instructors.join('; '),
    ];
    const reserved = section.reservedSeats
      .map((r) => `${r.groupKind}:${r.groupValue}=${r.seats}`)
      .join('; ');
    const tail = [reserved, course?.prerequisites ?? null, course?.corequisites ?? null];
    const meetings = section.meetings.length > 0 ? section.meetings : [null];
    for (const m of meetings) {
      const cells = [
        ...base,
        m?.days ?? null,
        m?.startTime ?? null,
        m?.endTime ?? null,
        m?.location ?? null,
        m?.startDate ?? null,
        m?.endDate ?? null,
        ...tail,
      ];
      lines.push(cells.map(csvCell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- background imports

export const CATALOG_IMPORT_JOB = 'catalog-import';

export interface ImportRunnerDeps {
  db: Kysely<DB>;
  jobs: JobQueue;
  /**
   * Whether progress may be written from a second connection while the import's transaction
   * runs. Not on PGlite: its single connection is held by that transaction until it commits.
   */
  concurrentWrites: boolean;
  log?: { error(object: unknown, message: string): void };
  /** Registration's reaction to capacity changes (wait-list promotion), as for admin edits. */
  sectionHooks?: SectionLifecycleHooks | undefined;
}

export interface ImportRunner {
  queue(input: {
    options: ImportOptions;
    files: ReadonlyArray<{ name: string; content: Uint8Array }>;
    createdBy: string | null;
  }): Promise<CatalogImport>;
  run(importId: string): Promise<void>;
  get(importId: string): Promise<CatalogImport>;
  list(page: { limit: number; cursor?: string | undefined }): Promise<{
    items: CatalogImport[];
    nextCursor: string | null;
  }>;
}

const PROGRESS_WRITE_INTERVAL_MS = 500;

/**
 * Queues uploads as jobs and runs them. Progress of a running import is kept in this process (read
 * back by `get`) and, where a second connection exists, written to the imports table for the
 * other processes.
 */
export function createImportRunner(deps: ImportRunnerDeps): ImportRunner {
  const live = new Map<string, ImportProgress>();

  function toApi(record: ImportRecord): CatalogImport {
    const current = record.status === 'running' ? live.get(record.id) : undefined;
    const phase = current?.phase ?? record.phase;
    const done = current?.done ?? record.progressDone;
    const total = current?.total ?? record.progressTotal;
    return {
      id: record.id,
      format: record.format,
      termCode: record.termCode,
      status: record.status,
      files: record.files,
      progress: {
        phase,
        done,
        total,
        percent:
          record.status === 'succeeded' ? 100 : total > 0 ? Math.floor((done * 100) / total) : 0,
      },
      summary: (record.summary as ImportReport | null) ?? null,
      error:
        record.errorCode !== null
          ? { code: record.errorCode, message: record.errorMessage ?? '' }
          : null,
      createdBy: record.createdBy,
      createdAt: record.createdAt.toISOString(),
      startedAt: record.startedAt?.toISOString() ?? null,
      finishedAt: record.finishedAt?.toISOString() ?? null,
    };
  }

  async function get(importId: string): Promise<CatalogImport> {
    const record = await findImport(deps.db, importId);
    if (!record) throw new ImportNotFoundError();
    return toApi(record);
  }

  return {
    async queue(input) {
      const options = checkImportOptions(input.options);
      if (input.files.length === 0)
        throw new ImportOptionsError('Attach at least one catalog file.', 'files');
      const id = newId();
      await deps.db.transaction().execute(async (trx) => {
        await insertImport(trx, {
          id,
          format: options.format,
          termCode: options.termCode,
          options: {
            ...(options.termName ? { termName: options.termName } : {}),
            ...(options.timeZone ? { timeZone: options.timeZone } : {}),
            ...(options.startsOn ? { startsOn: options.startsOn } : {}),
            ...(options.endsOn ? { endsOn: options.endsOn } : {}),
            defaultCapacity: options.defaultCapacity,
            ...(options.dryRun ? { dryRun: true } : {}),
          },
          createdBy: input.createdBy,
          files: input.files,
        });
        await deps.jobs.send(trx, CATALOG_IMPORT_JOB, { importId: id }, { retryLimit: 1 });
      });
      return get(id);
    },

    async run(importId) {
      if (!(await markImportRunning(deps.db, importId))) return;
      const record = await findImport(deps.db, importId);
      if (!record) return;
      const files = await loadImportFiles(deps.db, importId);
      let lastWrite = 0;
      let writing: Promise<void> | undefined;
      const onProgress: ProgressListener = (progress) => {
        live.set(importId, progress);
        if (!deps.concurrentWrites || writing) return;
        const now = Date.now();
        if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS && progress.phase !== 'done') return;
        lastWrite = now;
        writing = updateImportProgress(deps.db, importId, progress)
          .catch((error: unknown) => deps.log?.error({ err: error }, 'import progress not saved'))
          .finally(() => {
            writing = undefined;
          });
      };
      try {
        const missing = files.find((f) => f.content === null);
        if (missing) {
          throw new CatalogFileError(missing.name, 'the uploaded content is no longer stored');
        }
        const options = record.options as Partial<Record<keyof ImportOptions, unknown>>;
        const report = await importCatalog(
          deps.db,
          {
            format: record.format,
            termCode: record.termCode,
            termName: typeof options.termName === 'string' ? options.termName : undefined,
            timeZone: typeof options.timeZone === 'string' ? options.timeZone : undefined,
            startsOn: typeof options.startsOn === 'string' ? options.startsOn : undefined,
            endsOn: typeof options.endsOn === 'string' ? options.endsOn : undefined,
            defaultCapacity:
              typeof options.defaultCapacity === 'number' ? options.defaultCapacity : undefined,
            dryRun: options.dryRun === true,
          },
          files.map((f) => ({ name: f.name, content: f.content! })),
          onProgress,
          deps.sectionHooks,
        );
        await writing;
        const total = live.get(importId)?.total ?? 0;
        await finishImport(deps.db, importId, { status: 'succeeded', summary: report, total });
      } catch (error) {
        await writing;
        const known = error instanceof AppError && error.status < 500;
        if (!known) deps.log?.error({ err: error, importId }, 'catalog import failed');
        const partial = error instanceof CatalogImportFailedError ? error.completed : null;
        await finishImport(deps.db, importId, {
          status: 'failed',
          summary: partial && partial.files.length > 0 ? partial : null,
          errorCode: known ? error.code : 'import_failed',
          errorMessage: known
            ? error.message
            : error instanceof CatalogImportFailedError
              ? error.message
              : 'The import failed on our side; nothing was written from the file that failed.',
        });
      } finally {
        live.delete(importId);
      }
    },

    get,

    async list(page) {
      const records = await listImports(deps.db, {
        limit: page.limit + 1,
        before: page.cursor,
      });
      const items = records.slice(0, page.limit).map(toApi);
      return {
        items,
        nextCursor: records.length > page.limit ? (items.at(-1)?.id ?? null) : null,
      };
    },
  };
}

// Readers for real course catalogs (UIUC CSV, gt-scheduler JSON, QuACS JSON): each turns its files
// into one normalized CatalogBatch per section file, or refuses the file with a clear reason.
// Pure functions: no database, no clock.
import { parse as parseCsv } from 'csv-parse/sync';
import { decodeHTML } from 'entities';
import type { CourseRestrictions, SectionKind } from '../../db/tables/catalog.ts';
import { CatalogFileError } from './interop.errors.ts';
import { CATALOG_FORMATS, type CatalogFormat } from './interop.schemas.ts';

export function isCatalogFormat(value: string): value is CatalogFormat {
  return (CATALOG_FORMATS as readonly string[]).includes(value);
}

/**
 * Capacity given to a section whose file carries none (UIUC without a class-size file, Georgia
 * Tech). It is set when the section is created and never overwritten by a later import.
 */
export const DEFAULT_SECTION_CAPACITY = 30;

/** The term's time zone when the import creates the term, by where each format comes from. */
export const DEFAULT_TIME_ZONES: Record<CatalogFormat, string> = {
  'uiuc-csv': 'America/Chicago',
  'gt-scheduler': 'America/New_York',
  // QuACS was written for RPI (Troy, NY); other schools publish in it too (pass --time-zone).
  quacs: 'America/New_York',
};

export interface SourceFile {
  name: string;
  content: Uint8Array | string;
}

export interface ImportedSubject {
  code: string;
  /** Undefined when the file names no subject: the code stands in and never overwrites a name. */
  name: string | undefined;
}

/** A prerequisite tree as the source wrote it; converted to the expression language on import. */
export type PrerequisiteSource =
  { kind: 'gatech'; tree: unknown[] } | { kind: 'quacs'; tree: Record<string, unknown> };

export interface ImportedCourse {
  code: string;
  subjectCode: string;
  number: string;
  title: string;
  /** false: the title is a stand-in (QuACS without catalog.json); a stored title is kept. */
  titleAuthoritative: boolean;
  /** Undefined: the file says nothing, keep what is stored. */
  description: string | undefined;
  creditsMin: number;
  creditsMax: number;
  prerequisites: PrerequisiteSource | null | undefined;
  /** Course codes that must be taken at the same time (canonical expression built on import). */
  corequisites: string[] | undefined;
  restrictions: CourseRestrictions | undefined;
}

export interface ImportedMeeting {
  /** Letters from MTWRFSU in that order; null: arranged. */
  days: string | null;
  /** HH:MM:SS; null when arranged or to be announced. */
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  startDate: string | null;
  endDate: string | null;
}

export type ReservedGroupKind = 'class_standing' | 'program' | 'cohort';

export interface ImportedReservedSeat {
  groupKind: ReservedGroupKind;
  groupValue: string;
  label: string;
  seats: number;
}

export type CapacitySource = 'file' | 'class-size' | 'default';

export interface ImportedSection {
  crn: string;
  courseCode: string;
  sectionCode: string;
  kind: SectionKind;
  /** Null when the section goes by its course's title. */
  title: string | null;
  /** false: the file has no section titles of its own; a stored title is kept. */
  titleAuthoritative: boolean;
  credits: number | null;
  capacity: number;
  /** 'file': the source states it (kept in step on re-import); otherwise set only on creation. */
  capacitySource: CapacitySource;
  /** Undefined: the file does not link sections, keep what is stored. */
  linkedGroup: string | null | undefined;
  instructors: string[];
  meetings: ImportedMeeting[];
  /** Undefined: the source has no reserved-seat data, keep what is stored. */
  reservedSeats: ImportedReservedSeat[] | undefined;
  /** Real enrolment the source reports (QuACS `act`); kept apart from the seat counters. */
  importedEnrolment: number | undefined;
}

export interface TermHint {
  name: string | undefined;
  startsOn: string | undefined;
  endsOn: string | undefined;
}

export interface SkipGroup {
  reason: string;
  count: number;
  examples: string[];
}

/** Rows left out of an import, grouped by reason with a few examples each. */
export class SkipTally {
  readonly #groups = new Map<string, SkipGroup>();

  add(reason: string, example: string): void {
    const group = this.#groups.get(reason) ?? { reason, count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < 5 && !group.examples.includes(example))
      group.examples.push(example);
    this.#groups.set(reason, group);
  }

  list(): SkipGroup[] {
    return [...this.#groups.values()].sort((a, b) => b.count - a.count);
  }

  get total(): number {
    let total = 0;
    for (const group of this.#groups.values()) total += group.count;
    return total;
  }
}

export interface SourceStats {
  /** Rows (CSV) or section entries (JSON) read from the file. */
  records: number;
  sections: number;
  totalCapacity: number;
  capacityFromFile: number;
  capacityFromClassSizes: number;
  capacityDefaulted: number;
  prerequisiteTrees: number;
  corequisiteCourses: number;
  reservedSeatRules: number;
  reservedSeats: number;
  restrictedCourses: number;
  /** Sum of real enrolment the file reports; null when it reports none. */
  reportedEnrolment: number | null;
  sectionsOverCapacity: number;
}

export interface CatalogBatch {
  format: CatalogFormat;
  file: string;
  /** Companion files (class sizes, prerequisites, descriptions) folded into this batch. */
  companions: string[];
  /** A course-level file (UIUC "detailed" catalog) has no sections and needs no term. */
  hasSections: boolean;
  term: TermHint;
  subjects: ImportedSubject[];
  courses: ImportedCourse[];
  sections: ImportedSection[];
  skipped: SkipTally;
  notes: string[];
  stats: SourceStats;
}

export interface ParseOptions {
  termCode: string;
  defaultCapacity: number;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const DAY_ORDER = 'MTWRFSU';
const COURSE_NUMBER_RE = /^[0-9][0-9A-Z]{0,7}$/;
// Subjects and numbers as the catalog and the prerequisite language accept them.
const SUBJECT_RE = /^[A-Z]{2,5}$/;

function decodeText(file: SourceFile): string {
  if (typeof file.content === 'string') return file.content.replace(/^\uFEFF/, '');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file.content);
  } catch {
    throw new CatalogFileError(file.name, 'is not UTF-8 text (is it a spreadsheet or an archive?)');
  }
}

function describeStart(text: string): string {
  const head = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  return head.length === 0 ? 'the file is empty' : `it starts with "${head}"`;
}

function parseJsonFile(file: SourceFile, text: string, expected: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.length === 0) throw new CatalogFileError(file.name, `is empty; expected ${expected}`);
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    throw new CatalogFileError(
      file.name,
      `is not JSON (${describeStart(text)}); expected ${expected}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogFileError(
      file.name,
      `is not valid JSON, perhaps truncated or damaged (${reason}); expected ${expected}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON scalar as text; anything else (objects, lists, null) is empty. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function cleanText(value: string): string {
  return decodeHTML(value)
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function optionalText(value: string): string | null {
  const text = cleanText(value);
  return text.length === 0 ? null : text;
}

/** `MW`, `TR`, `MTWRF`; null when blank (arranged); undefined when not day letters. */
export function normalizeDays(raw: string): string | null | undefined {
  const text = cleanText(raw).replace(/[\s,]/g, '').toUpperCase();
  if (text.length === 0) return null;
  if (!/^[MTWRFSU]+$/.test(text)) return undefined;
  return [...DAY_ORDER].filter((day) => text.includes(day)).join('');
}

/** `9:05 am`, `12:30 PM` → `09:05:00`, `12:30:00`; undefined when not a time. */
export function parseClockTime(raw: string): string | undefined {
  const match = /^(\d{1,2}):(\d{2})\s*([ap])\.?m\.?$/i.exec(raw.trim());
  if (!match) return undefined;
  const hour12 = Number(match[1]);
  const minute = Number(match[2]);
  if (hour12 < 1 || hour12 > 12 || minute > 59) return undefined;
  const hour = (hour12 % 12) + (match[3]!.toLowerCase() === 'p' ? 12 : 0);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
}

/** 1330 → `13:30:00`; undefined when not a clock time. */
function hhmmToTime(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 0) return undefined;
  const hour = Math.floor(value / 100);
  const minute = value % 100;
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function isoDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `Jan 09, 2023` → `2023-01-09`. */
function parseMonthDayYear(raw: string): string | undefined {
  const match = /^([A-Za-z]{3})[a-z]*\.? (\d{1,2}), (\d{4})$/.exec(raw.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf(match[1]!.toLowerCase()) + 1;
  if (month === 0) return undefined;
  return isoDate(Number(match[3]), month, Number(match[2]));
}

function compareMeetings(a: ImportedMeeting, b: ImportedMeeting): boolean {
  return (
    a.days === b.days &&
    a.startTime === b.startTime &&
    a.endTime === b.endTime &&
    a.location === b.location &&
    a.startDate === b.startDate &&
    a.endDate === b.endDate
  );
}

function addMeeting(list: ImportedMeeting[], meeting: ImportedMeeting): boolean {
  if (list.some((m) => compareMeetings(m, meeting))) return false;
  list.push(meeting);
  return true;
}

/** Term names from the common YYYYMM codes: 01–04 spring, 05–07 summer, 08–12 fall. */
export function termNameFromCode(code: string): string | undefined {
  const match = /^(\d{4})(\d{2})$/.exec(code);
  if (!match) return undefined;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  const season = month <= 4 ? 'Spring' : month <= 7 ? 'Summer' : 'Fall';
  return `${season} ${match[1]}`;
}

/** Class dates by season when a file carries none (UIUC): a guess the admin can edit. */
function seasonDates(
  season: string,
  year: number,
): { startsOn: string; endsOn: string } | undefined {
  switch (season.toLowerCase()) {
    case 'spring':
      return { startsOn: `${year}-01-15`, endsOn: `${year}-05-15` };
    case 'summer':
      return { startsOn: `${year}-05-15`, endsOn: `${year}-08-10` };
    case 'fall':
      return { startsOn: `${year}-08-25`, endsOn: `${year}-12-20` };
    case 'winter':
      return { startsOn: `${year}-12-15`, endsOn: `${year + 1}-01-15` };
    default:
      return undefined;
  }
}

function dateSpan(meetings: Iterable<ImportedMeeting>): {
  startsOn: string | undefined;
  endsOn: string | undefined;
} {
  let startsOn: string | undefined;
  let endsOn: string | undefined;
  for (const meeting of meetings) {
    if (meeting.startDate && (!startsOn || meeting.startDate < startsOn))
      startsOn = meeting.startDate;
    if (meeting.endDate && (!endsOn || meeting.endDate > endsOn)) endsOn = meeting.endDate;
  }
  return { startsOn, endsOn };
}

function emptyStats(): SourceStats {
  return {
    records: 0,
    sections: 0,
    totalCapacity: 0,
    capacityFromFile: 0,
    capacityFromClassSizes: 0,
    capacityDefaulted: 0,
    prerequisiteTrees: 0,
    corequisiteCourses: 0,
    reservedSeatRules: 0,
    reservedSeats: 0,
    restrictedCourses: 0,
    reportedEnrolment: null,
    sectionsOverCapacity: 0,
  };
}

function finishStats(batch: CatalogBatch): void {
  const stats = batch.stats;
  stats.sections = batch.sections.length;
  for (const section of batch.sections) {
    stats.totalCapacity += section.capacity;
    if (section.capacitySource === 'file') stats.capacityFromFile += 1;
    else if (section.capacitySource === 'class-size') stats.capacityFromClassSizes += 1;
    else stats.capacityDefaulted += 1;
    if (section.reservedSeats) {
      stats.reservedSeatRules += section.reservedSeats.length;
      for (const rule of section.reservedSeats) stats.reservedSeats += rule.seats;
    }
    if (section.importedEnrolment !== undefined) {
      stats.reportedEnrolment = (stats.reportedEnrolment ?? 0) + section.importedEnrolment;
      if (section.importedEnrolment > section.capacity) stats.sectionsOverCapacity += 1;
    }
  }
  for (const course of batch.courses) {
    if (course.prerequisites) stats.prerequisiteTrees += 1;
    if (course.corequisites && course.corequisites.length > 0) stats.corequisiteCourses += 1;
    if (course.restrictions && Object.keys(course.restrictions).length > 0)
      stats.restrictedCourses += 1;
  }
}

function newBatch(format: CatalogFormat, file: string): CatalogBatch {
  return {
    format,
    file,
    companions: [],
    hasSections: true,
    term: { name: undefined, startsOn: undefined, endsOn: undefined },
    subjects: [],
    courses: [],
    sections: [],
    skipped: new SkipTally(),
    notes: [],
    stats: emptyStats(),
  };
}

/** Reads every file of an import; throws CatalogFileError before anything is written. */
export function parseCatalogFiles(
  format: CatalogFormat,
  files: readonly SourceFile[],
  options: ParseOptions,
): CatalogBatch[] {
  if (files.length === 0) throw new CatalogFileError('(no file)', 'give at least one file');
  let batches: CatalogBatch[];
  switch (format) {
    case 'uiuc-csv':
      batches = parseUiucFiles(files, options);
      break;
    case 'gt-scheduler':
      batches = files.map((file) => parseGatechFile(file, options));
      break;
    case 'quacs':
      batches = parseQuacsFiles(files, options);
      break;
  }
  for (const batch of batches) finishStats(batch);
  return batches;
}

// ---------------------------------------------------------------------------------------------
// UIUC (wadefagen/datasets course-catalog CSV)

const UIUC_COURSE_COLUMNS = [
  'Year',
  'Term',
  'Subject',
  'Number',
  'Name',
  'Description',
  'Credit Hours',
] as const;
const UIUC_SECTION_COLUMNS = [
  ...UIUC_COURSE_COLUMNS,
  'CRN',
  'Section',
  'Section Title',
  'Section Credit Hours',
  'Type',
  'Type Code',
  'Start Time',
  'End Time',
  'Days of Week',
  'Room',
  'Building',
  'Instructors',
] as const;
const UIUC_GRADE_COLUMNS = [
  'A+',
  'A',
  'A-',
  'B+',
  'B',
  'B-',
  'C+',
  'C',
  'C-',
  'D+',
  'D',
  'D-',
  'F',
  'W',
] as const;
const UIUC_CLASS_SIZE_COLUMNS = [
  'CRN',
  'Course Subject',
  'Course Number',
  ...UIUC_GRADE_COLUMNS,
] as const;

type CsvRow = Record<string, string>;

interface CsvFile {
  file: SourceFile;
  header: string[];
  rows: CsvRow[];
}

function readCsv(file: SourceFile): CsvFile {
  const text = decodeText(file);
  const trimmed = text.trimStart();
  if (trimmed.length === 0) throw new CatalogFileError(file.name, 'is empty; expected a CSV file');
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    throw new CatalogFileError(
      file.name,
      `is JSON, not CSV (${describeStart(text)}); expected a UIUC course-catalog CSV with a header row`,
    );
  }
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogFileError(file.name, `is not readable CSV (${reason})`);
  }
  const [header, ...body] = records;
  if (!header) throw new CatalogFileError(file.name, 'has no header row');
  const names = header.map((h) => h.trim());
  const rows = body.map((record) => {
    const row: CsvRow = {};
    names.forEach((name, index) => {
      row[name] = record[index] ?? '';
    });
    return row;
  });
  return { file, header: names, rows };
}

function missingColumns(header: readonly string[], required: readonly string[]): string[] {
  return required.filter((column) => !header.includes(column));
}

/** `3 hours.`, `1 TO 4 hours.`, `3 OR 4 hours.`, `1.5 hours` → min and max credits. */
export function parseUiucCredits(raw: string): { min: number; max: number } | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)(?:\s+(?:TO|OR)\s+(\d+(?:\.\d+)?))?\s+hours?\.?\s*$/i.exec(raw);
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (!(min <= max) || max >= 100) return undefined;
  return { min, max };
}

/** UIUC schedule types (Type Code, then the Type text for codes seen once a term). */
export function uiucSectionKind(typeCode: string, typeText: string): SectionKind {
  switch (typeCode.trim().toUpperCase()) {
    case 'LEC':
    case 'LCD':
      return 'lecture';
    case 'DIS':
    case 'Q':
      return 'discussion';
    case 'LAB':
    case 'LBD':
      return 'lab';
    case 'ONL':
    case 'OLC':
    case 'OD':
    case 'OLB':
    case 'OLD':
      return 'online';
    case 'SEM':
    case 'CNF':
      return 'seminar';
    case 'STU':
      return 'studio';
    case 'IND':
    case 'RES':
      return 'independent';
    case 'INT':
    case 'PR':
    case 'STA':
    case 'TRV':
      return 'other';
    default: {
      const text = typeText.toLowerCase();
      if (text.includes('online')) return 'online';
      if (text.includes('laboratory') || text.includes('lab')) return 'lab';
      if (text.includes('lecture')) return 'lecture';
      if (text.includes('discussion') || text.includes('quiz')) return 'discussion';
      if (text.includes('seminar') || text.includes('conference')) return 'seminar';
      if (text.includes('independent') || text.includes('research')) return 'independent';
      return 'other';
    }
  }
}

/** Median class size per course from a UIUC grade-distribution file (sum of grades and W). */
function readUiucClassSizes(csv: CsvFile): Map<string, number> {
  const sizes = new Map<string, number[]>();
  for (const row of csv.rows) {
    const counts = UIUC_GRADE_COLUMNS.map((column) => row[column]?.trim() ?? '');
    if (counts.some((value) => !/^\d+$/.test(value))) continue; // N/A: a section graded elsewhere
    const total = counts.reduce((sum, value) => sum + Number(value), 0);
    if (total <= 0) continue;
    const code = `${row['Course Subject']?.trim()} ${row['Course Number']?.trim()}`;
    const list = sizes.get(code) ?? [];
    list.push(total);
    sizes.set(code, list);
  }
  const medians = new Map<string, number>();
  for (const [code, list] of sizes) {
    list.sort((a, b) => a - b);
    const middle = Math.floor(list.length / 2);
    const median = list.length % 2 === 1 ? list[middle]! : (list[middle - 1]! + list[middle]!) / 2;
    medians.set(code, Math.max(1, Math.round(median)));
  }
  return medians;
}

function parseUiucFiles(files: readonly SourceFile[], options: ParseOptions): CatalogBatch[] {
  const csvs = files.map(readCsv);
  const classSizeFiles: CsvFile[] = [];
  const catalogFiles: Array<{ csv: CsvFile; hasSections: boolean }> = [];
  for (const csv of csvs) {
    if (missingColumns(csv.header, UIUC_CLASS_SIZE_COLUMNS).length === 0) {
      classSizeFiles.push(csv);
    } else if (missingColumns(csv.header, UIUC_SECTION_COLUMNS).length === 0) {
      catalogFiles.push({ csv, hasSections: true });
    } else if (
      missingColumns(csv.header, UIUC_COURSE_COLUMNS).length === 0 &&
      // A course-level file has none of the section columns; a section file missing some of
      // them is broken, not course-level.
      !UIUC_SECTION_COLUMNS.some(
        (column) =>
          !(UIUC_COURSE_COLUMNS as readonly string[]).includes(column) &&
          csv.header.includes(column),
      )
    ) {
      catalogFiles.push({ csv, hasSections: false });
    } else {
      const missing = missingColumns(csv.header, UIUC_SECTION_COLUMNS);
      throw new CatalogFileError(
        csv.file.name,
        `is not a UIUC course-catalog CSV: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      );
    }
  }
  for (const csv of csvs) {
    if (csv.rows.length === 0)
      throw new CatalogFileError(csv.file.name, 'has a header row but no data rows');
  }
  if (catalogFiles.length === 0) {
    throw new CatalogFileError(
      classSizeFiles[0]?.file.name ?? '(no file)',
      'is a grade-distribution (class size) file; give the section CSV too',
    );
  }
  const classSizes = new Map<string, number>();
  for (const csv of classSizeFiles) {
    for (const [code, size] of readUiucClassSizes(csv)) classSizes.set(code, size);
  }
  return catalogFiles.map(({ csv, hasSections }) => {
    const batch = parseUiucCatalog(csv, hasSections, classSizes, options);
    batch.companions = classSizeFiles.map((f) => f.file.name);
    return batch;
  });
}

function parseUiucCatalog(
  csv: CsvFile,
  hasSections: boolean,
  classSizes: ReadonlyMap<string, number>,
  options: ParseOptions,
): CatalogBatch {
  const batch = newBatch('uiuc-csv', csv.file.name);
  batch.hasSections = hasSections;
  batch.stats.records = csv.rows.length;
  const subjects = new Map<string, ImportedSubject>();
  const courses = new Map<string, ImportedCourse>();
  const badCourses = new Set<string>();
  const sections = new Map<string, ImportedSection>();
  let duplicateMeetings = 0;
  let season: { term: string; year: number } | undefined;

  csv.rows.forEach((row, index) => {
    const line = index + 2; // 1-based, after the header
    const subject = cleanText(row.Subject ?? '').toUpperCase();
    const number = cleanText(row.Number ?? '').toUpperCase();
    const code = `${subject} ${number}`;
    if (!SUBJECT_RE.test(subject) || !COURSE_NUMBER_RE.test(number)) {
      batch.skipped.add('row without a readable subject and course number', `line ${line}`);
      return;
    }
    if (!season && /^\d{4}$/.test(row.Year ?? '') && row.Term) {
      season = { term: cleanText(row.Term), year: Number(row.Year) };
    }
    if (badCourses.has(code)) {
      batch.skipped.add('course with unreadable credit hours', `line ${line} (${code})`);
      return;
    }
    let course = courses.get(code);
    if (!course) {
      const credits = parseUiucCredits(row['Credit Hours'] ?? '');
      const title = cleanText(row.Name ?? '');
      if (!credits) {
        badCourses.add(code);
        batch.skipped.add(
          'course with unreadable credit hours',
          `line ${line} (${code}: "${row['Credit Hours'] ?? ''}")`,
        );
        return;
      }
      if (title.length === 0) {
        batch.skipped.add('course without a title', `line ${line} (${code})`);
        return;
      }
      course = {
        code,
        subjectCode: subject,
        number,
        title,
        titleAuthoritative: true,
        description: cleanText(row.Description ?? ''),
        creditsMin: credits.min,
        creditsMax: credits.max,
        // Prerequisites are prose here ("Prerequisite: CS 125 or consent of instructor"):
        // converting them blindly would invent rules, so stored prerequisites are left alone.
        prerequisites: undefined,
        corequisites: undefined,
        restrictions: undefined,
      };
      courses.set(code, course);
      if (!subjects.has(subject)) subjects.set(subject, { code: subject, name: undefined });
    }
    if (!hasSections) return;

    const crn = (row.CRN ?? '').trim();
    if (!/^\d{1,10}$/.test(crn)) {
      batch.skipped.add('row without a CRN', `line ${line} (${code})`);
      return;
    }
    let section = sections.get(crn);
    if (section && section.courseCode !== code) {
      batch.skipped.add(
        'CRN listed under two courses (later rows skipped)',
        `line ${line} (CRN ${crn}: ${section.courseCode} and ${code})`,
      );
      return;
    }
    if (!section) {
      const sectionCredits = parseUiucCredits(row['Section Credit Hours'] ?? '');
      const classSize = classSizes.get(code);
      const sectionTitle = optionalText(row['Section Title'] ?? '');
      const sectionCode = cleanText(row.Section ?? '').toUpperCase();
      section = {
        crn,
        courseCode: code,
        // Sections without a code (one-person independent studies) are told apart by CRN.
        sectionCode: sectionCode.length > 0 ? sectionCode : crn,
        kind: uiucSectionKind(row['Type Code'] ?? '', row.Type ?? ''),
        title: sectionTitle !== null && sectionTitle !== course.title ? sectionTitle : null,
        titleAuthoritative: true,
        credits:
          sectionCredits && sectionCredits.min === sectionCredits.max ? sectionCredits.min : null,
        capacity: classSize ?? options.defaultCapacity,
        capacitySource: classSize === undefined ? 'default' : 'class-size',
        linkedGroup: undefined,
        instructors: [],
        meetings: [],
        reservedSeats: undefined,
        importedEnrolment: undefined,
      };
      sections.set(crn, section);
    }
    for (const name of (row.Instructors ?? '').split(';')) {
      const instructor = cleanText(name);
      if (instructor && !section.instructors.includes(instructor))
        section.instructors.push(instructor);
    }
    const meeting = readUiucMeeting(row);
    if (typeof meeting === 'string') {
      batch.skipped.add(meeting, `line ${line} (CRN ${crn})`);
      return;
    }
    if (!addMeeting(section.meetings, meeting)) duplicateMeetings += 1;
  });

  batch.subjects = [...subjects.values()];
  batch.courses = [...courses.values()];
  batch.sections = [...sections.values()];
  if (season) {
    batch.term.name = `${season.term} ${season.year}`;
    const dates = seasonDates(season.term, season.year);
    if (dates) Object.assign(batch.term, dates);
  }
  if (duplicateMeetings > 0) {
    batch.notes.push(`${duplicateMeetings} repeated meeting rows were merged with their twins.`);
  }
  if (hasSections) {
    batch.notes.push(
      'UIUC files carry no capacity: new sections get the median class size of the course from a grade-distribution file when one is given, otherwise the default capacity.',
    );
  } else {
    batch.notes.push(
      'Course-level file: courses and descriptions only, no sections; prerequisite prose is not converted.',
    );
  }
  return batch;
}

/** One CSV row's meeting; a string is the reason the row's meeting cannot be read. */
function readUiucMeeting(row: CsvRow): ImportedMeeting | string {
  const start = (row['Start Time'] ?? '').trim();
  const end = (row['End Time'] ?? '').trim();
  const days = normalizeDays(row['Days of Week'] ?? '');
  if (days === undefined) return 'meeting with unknown day letters';
  const location = optionalText([row.Room ?? '', row.Building ?? ''].join(' '));
  if (start.toUpperCase() === 'ARRANGED' || (start === '' && end === '')) {
    return { days, startTime: null, endTime: null, location, startDate: null, endDate: null };
  }
  const startTime = parseClockTime(start);
  const endTime = parseClockTime(end);
  if (!startTime || !endTime) return 'meeting with an unreadable time';
  if (startTime >= endTime) return 'meeting that ends before it starts';
  return { days, startTime, endTime, location, startDate: null, endDate: null };
}

// ---------------------------------------------------------------------------------------------
// Georgia Tech (gt-scheduler/crawler term JSON, version 3 tuples; see its src/types.ts)

const GT_EXPECTED = 'a gt-scheduler term file such as 202302.json';

interface GatechCaches {
  periods: string[];
  dateRanges: string[];
  scheduleTypes: string[];
  campuses: string[];
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** gt-scheduler schedule types ("Lecture*", "Supervised Laboratory*", …) → section kinds. */
export function gatechSectionKind(scheduleType: string, campus: string): SectionKind {
  const type = scheduleType.replace(/\*$/, '').trim().toLowerCase();
  let kind: SectionKind;
  if (type === 'lecture') kind = 'lecture';
  else if (type.includes('laboratory')) kind = 'lab';
  else if (type === 'recitation' || type === 'breakout') kind = 'discussion';
  else if (type === 'studio') kind = 'studio';
  else if (type === 'seminar') kind = 'seminar';
  else if (type === 'directed study' || type === 'thesis' || type === 'dissertation')
    kind = 'independent';
  else kind = 'other';
  // Online and video campuses teach lectures at a distance; labs and studies keep their kind.
  if (kind === 'lecture' && /^(online|video)$/i.test(campus.trim())) return 'online';
  return kind;
}

function parseGatechFile(file: SourceFile, options: ParseOptions): CatalogBatch {
  const data = parseJsonFile(file, decodeText(file), GT_EXPECTED);
  const fail = (message: string): never => {
    throw new CatalogFileError(file.name, `is not ${GT_EXPECTED}: ${message}`);
  };
  if (!isRecord(data)) return fail('the top level is not an object');
  if (!isRecord(data.courses)) return fail('there is no "courses" object');
  const caches = data.caches;
  if (!isRecord(caches)) return fail('there is no "caches" object');
  for (const key of ['periods', 'dateRanges', 'scheduleTypes', 'campuses'] as const) {
    if (!stringArray(caches[key])) return fail(`caches.${key} is not a list of strings`);
  }
  const cache = caches as unknown as GatechCaches;
  if (data.version !== undefined && data.version !== 3) {
    return fail(`version ${JSON.stringify(data.version)} is not supported (version 3 is)`);
  }

  const batch = newBatch('gt-scheduler', file.name);
  const subjects = new Map<string, ImportedSubject>();
  const crns = new Set<string>();
  const periods = cache.periods.map((text) => {
    if (text.trim().toUpperCase() === 'TBA') return null;
    const [start, end] = text.split(/\s+-\s+/);
    const startTime = start ? parseClockTime(start) : undefined;
    const endTime = end ? parseClockTime(end) : undefined;
    return startTime && endTime ? { startTime, endTime } : undefined;
  });
  const dateRanges = cache.dateRanges.map((text) => {
    const [start, end] = text.split(/\s+-\s+/);
    const startDate = start ? parseMonthDayYear(start) : undefined;
    const endDate = end ? parseMonthDayYear(end) : undefined;
    return startDate && endDate && startDate <= endDate ? { startDate, endDate } : undefined;
  });

  for (const [key, value] of Object.entries(data.courses)) {
    const where = `courses["${key}"]`;
    if (!Array.isArray(value) || value.length < 3) {
      return fail(`${where} is not a course tuple [name, sections, prerequisites, description]`);
    }
    const [rawTitle, rawSections, rawPrerequisites, rawDescription] = value as unknown[];
    if (typeof rawTitle !== 'string' || !isRecord(rawSections) || !Array.isArray(rawPrerequisites))
      return fail(`${where} is not a course tuple [name, sections, prerequisites, description]`);
    if (
      rawDescription !== undefined &&
      rawDescription !== null &&
      typeof rawDescription !== 'string'
    )
      return fail(`${where}[3] (description) is not text`);
    const match = /^([A-Z]{2,5}) ([0-9][0-9A-Z]{0,7})$/.exec(key.trim());
    if (!match) {
      batch.skipped.add('course with an unreadable code', key);
      continue;
    }
    const subject = match[1]!;
    const code = `${subject} ${match[2]!}`;
    const courseSections: ImportedSection[] = [];
    for (const [sectionKey, rawSection] of Object.entries(rawSections)) {
      const sectionWhere = `${where}[1]["${sectionKey}"]`;
      batch.stats.records += 1;
      if (
        !Array.isArray(rawSection) ||
        rawSection.length < 5 ||
        typeof rawSection[0] !== 'string' ||
        !Array.isArray(rawSection[1]) ||
        typeof rawSection[2] !== 'number' ||
        !isInteger(rawSection[3]) ||
        !isInteger(rawSection[4])
      ) {
        return fail(
          `${sectionWhere} is not a section tuple [crn, meetings, credits, scheduleType, campus, …]`,
        );
      }
      const crn = rawSection[0].trim();
      const credits = rawSection[2];
      if (!/^\d{1,10}$/.test(crn)) {
        batch.skipped.add('section without a CRN', `${code} ${sectionKey}`);
        continue;
      }
      if (!(credits >= 0 && credits < 100)) {
        batch.skipped.add('section with impossible credit hours', `${code} ${sectionKey}`);
        continue;
      }
      const instructors: Array<{ name: string; primary: boolean }> = [];
      const meetings: ImportedMeeting[] = [];
      let unreadable: string | undefined;
      for (const [index, rawMeeting] of (rawSection[1] as unknown[]).entries()) {
        if (
          !Array.isArray(rawMeeting) ||
          rawMeeting.length < 6 ||
          !isInteger(rawMeeting[0]) ||
          typeof rawMeeting[1] !== 'string' ||
          typeof rawMeeting[2] !== 'string' ||
          !stringArray(rawMeeting[4]) ||
          !isInteger(rawMeeting[5])
        ) {
          return fail(
            `${sectionWhere}[1][${index}] is not a meeting tuple [period, days, room, location, instructors, dateRange, …]`,
          );
        }
        const [periodIndex, rawDays, room, , names, dateIndex] = rawMeeting as [
          number,
          string,
          string,
          unknown,
          string[],
          number,
        ];
        if (periodIndex < 0 || periodIndex >= periods.length)
          return fail(`${sectionWhere}[1][${index}][0] points outside caches.periods`);
        if (dateIndex >= dateRanges.length)
          return fail(`${sectionWhere}[1][${index}][5] points outside caches.dateRanges`);
        for (const raw of names) {
          const primary = /\(P\)\s*$/.test(raw);
          const name = cleanText(raw.replace(/\(P\)\s*$/, ''));
          if (name && !instructors.some((i) => i.name === name))
            instructors.push({ name, primary });
        }
        const period = periods[periodIndex];
        const days = normalizeDays(rawDays);
        if (period === undefined) {
          unreadable = `meeting time "${cache.periods[periodIndex]}" is unreadable`;
          continue;
        }
        if (days === undefined) {
          unreadable = `meeting days "${rawDays}" are not day letters`;
          continue;
        }
        const range = dateIndex >= 0 ? dateRanges[dateIndex] : undefined;
        const location = optionalText(room);
        addMeeting(meetings, {
          days,
          startTime: period?.startTime ?? null,
          endTime: period?.endTime ?? null,
          location: location && location.toUpperCase() !== 'TBA' ? location : null,
          startDate: range?.startDate ?? null,
          endDate: range?.endDate ?? null,
        });
      }
      if (unreadable) {
        batch.skipped.add('section with an unreadable meeting', `CRN ${crn} (${unreadable})`);
        continue;
      }
      const scheduleType = cache.scheduleTypes[rawSection[3]] ?? '';
      const campus = cache.campuses[rawSection[4]] ?? '';
      courseSections.push({
        crn,
        courseCode: code,
        sectionCode: cleanText(sectionKey).toUpperCase() || crn,
        kind: gatechSectionKind(scheduleType, campus),
        title: null,
        titleAuthoritative: false,
        credits,
        capacity: options.defaultCapacity,
        capacitySource: 'default',
        linkedGroup: undefined,
        instructors: [
          ...instructors.filter((i) => i.primary).map((i) => i.name),
          ...instructors.filter((i) => !i.primary).map((i) => i.name),
        ],
        meetings,
        reservedSeats: undefined,
        importedEnrolment: undefined,
      });
    }
    const title = cleanText(rawTitle);
    if (title.length === 0) {
      batch.skipped.add('course without a title', code);
      continue;
    }
    // Course credits span its sections' (thesis hours vary by section); 0 when none is offered.
    const credits = courseSections.map((s) => s.credits ?? 0);
    const description = typeof rawDescription === 'string' ? cleanText(rawDescription) : undefined;
    batch.courses.push({
      code,
      subjectCode: subject,
      number: match[2]!,
      title,
      titleAuthoritative: true,
      description: description === undefined || description.length === 0 ? undefined : description,
      creditsMin: credits.length > 0 ? Math.min(...credits) : 0,
      creditsMax: credits.length > 0 ? Math.max(...credits) : 0,
      prerequisites:
        rawPrerequisites.length > 0 ? { kind: 'gatech', tree: rawPrerequisites } : null,
      corequisites: undefined,
      restrictions: undefined,
    });
    if (!subjects.has(subject)) subjects.set(subject, { code: subject, name: undefined });
    for (const section of courseSections) {
      if (crns.has(section.crn)) {
        batch.skipped.add('CRN listed twice (later entry skipped)', `CRN ${section.crn}`);
        continue;
      }
      crns.add(section.crn);
      batch.sections.push(section);
    }
  }
  batch.subjects = [...subjects.values()];
  const span = dateSpan(batch.sections.flatMap((s) => s.meetings));
  batch.term = {
    name: termNameFromCode(options.termCode),
    startsOn: span.startsOn,
    endsOn: span.endsOn,
  };
  batch.notes.push(
    'Georgia Tech files carry no capacity: new sections get the default capacity.',
    'Meetings with days "&nbsp;" or period "TBA" are imported as arranged.',
  );
  return batch;
}

// ---------------------------------------------------------------------------------------------
// QuACS (courses.json with optional prerequisites.json and catalog.json companions)

const QUACS_EXPECTED = 'a QuACS courses.json (departments with courses and sections)';

type QuacsRole = 'courses' | 'prerequisites' | 'catalog';

function quacsRole(file: SourceFile, data: unknown): QuacsRole {
  if (Array.isArray(data)) {
    const first: unknown = data[0];
    if (data.length === 0 || (isRecord(first) && Array.isArray(first.courses))) return 'courses';
  } else if (isRecord(data)) {
    const entries = Object.entries(data);
    if (entries.length === 0) return 'prerequisites';
    const [key, value] = entries[0]!;
    if (/^\d+$/.test(key) && isRecord(value)) return 'prerequisites';
    if (/^[A-Z]+-\w+$/.test(key) && isRecord(value) && 'description' in value) return 'catalog';
  }
  throw new CatalogFileError(
    file.name,
    `is not a QuACS file: expected ${QUACS_EXPECTED}, or its prerequisites.json (keyed by CRN) or catalog.json (keyed by SUBJ-NUM) companion`,
  );
}

const QUACS_STANDINGS: Record<string, string> = {
  frosh: 'freshman',
  freshman: 'freshman',
  'first-year': 'freshman',
  sophomore: 'sophomore',
  junior: 'junior',
  senior: 'senior',
  graduate: 'graduate',
};
const ALL_STANDINGS = ['freshman', 'sophomore', 'junior', 'senior', 'graduate'];

function quacsReservation(
  raw: Record<string, unknown>,
  subject: string,
): ImportedReservedSeat | string {
  const group = typeof raw.reservedFor === 'string' ? raw.reservedFor.trim() : '';
  const max = typeof raw.max === 'number' ? raw.max : Number(raw.max);
  if (!group) return 'reserved seats for no named group';
  if (!Number.isInteger(max) || max < 0) return 'reserved seats with an unreadable number';
  if (max === 0) return 'reserved seats with a maximum of 0 (nothing held)';
  const standing = QUACS_STANDINGS[group.toLowerCase()];
  if (standing) {
    return {
      groupKind: 'class_standing',
      groupValue: standing,
      label: standing === 'freshman' ? 'First-year students' : `${group} students`,
      seats: max,
    };
  }
  if (group.toLowerCase() === 'major') {
    return { groupKind: 'program', groupValue: subject, label: `${subject} majors`, seats: max };
  }
  return {
    groupKind: 'cohort',
    groupValue: group.toLowerCase().replace(/\s+/g, '-'),
    label: `${group} students`,
    seats: max,
  };
}

/** QuACS classification restrictions → the class standings allowed to register. */
function quacsStandings(raw: unknown): string[] | string | undefined {
  if (!isRecord(raw) || !isRecord(raw.classification)) return undefined;
  const { must_be: mustBe, may_not_be: mayNotBe } = raw.classification;
  const map = (list: unknown): string[] | string => {
    if (list === undefined) return [];
    if (!stringArray(list)) return 'class-standing restriction that is not a list';
    const out: string[] = [];
    for (const item of list) {
      const standing = QUACS_STANDINGS[item.trim().toLowerCase()];
      if (!standing) return `class-standing restriction naming "${item}"`;
      out.push(standing);
    }
    return out;
  };
  const must = map(mustBe);
  const mayNot = map(mayNotBe);
  if (typeof must === 'string') return must;
  if (typeof mayNot === 'string') return mayNot;
  const allowed = (must.length > 0 ? must : ALL_STANDINGS).filter((s) => !mayNot.includes(s));
  return ALL_STANDINGS.filter((s) => allowed.includes(s));
}

function parseQuacsFiles(files: readonly SourceFile[], options: ParseOptions): CatalogBatch[] {
  const byRole: Record<QuacsRole, Array<{ file: SourceFile; data: unknown }>> = {
    courses: [],
    prerequisites: [],
    catalog: [],
  };
  for (const file of files) {
    const data = parseJsonFile(file, decodeText(file), QUACS_EXPECTED);
    byRole[quacsRole(file, data)].push({ file, data });
  }
  if (byRole.courses.length === 0) {
    throw new CatalogFileError(
      files[0]!.name,
      `is a QuACS companion file; give the courses.json it belongs to as well`,
    );
  }
  const requisites = new Map<string, Record<string, unknown>>();
  for (const { data } of byRole.prerequisites) {
    for (const [crn, value] of Object.entries(data as Record<string, unknown>)) {
      if (isRecord(value)) requisites.set(crn, value);
    }
  }
  const descriptions = new Map<string, { name?: string; description?: string }>();
  for (const { data } of byRole.catalog) {
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (!isRecord(value)) continue;
      const code = key.replace('-', ' ').toUpperCase();
      descriptions.set(code, {
        ...(typeof value.name === 'string' ? { name: value.name } : {}),
        ...(typeof value.description === 'string' ? { description: value.description } : {}),
      });
    }
  }
  const companions = [...byRole.prerequisites, ...byRole.catalog].map((f) => f.file.name);
  return byRole.courses.map(({ file, data }) => {
    const batch = parseQuacsCourses(file, data as unknown[], requisites, descriptions, options);
    batch.companions = companions;
    if (byRole.prerequisites.length === 0) {
      batch.notes.push(
        'No prerequisites.json given: prerequisites, corequisites, reserved seats and restrictions are left as stored.',
      );
    }
    return batch;
  });
}

function quacsYear(file: SourceFile, termCode: string): number {
  const match = /^(\d{4})/.exec(termCode) ?? /(?:^|\D)(\d{4})\d{2}(?:\D|$)/.exec(file.name);
  if (!match) {
    throw new CatalogFileError(
      file.name,
      'QuACS dates have no year (1/19): use a term code that starts with the year (e.g. 202401) or keep the YYYYMM prefix in the file name',
    );
  }
  return Number(match[1]);
}

function parseQuacsCourses(
  file: SourceFile,
  departments: unknown[],
  requisites: ReadonlyMap<string, Record<string, unknown>>,
  descriptions: ReadonlyMap<string, { name?: string; description?: string }>,
  options: ParseOptions,
): CatalogBatch {
  const fail = (message: string): never => {
    throw new CatalogFileError(file.name, `is not ${QUACS_EXPECTED}: ${message}`);
  };
  const year = quacsYear(file, options.termCode);
  const withRequisites = requisites.size > 0;
  const batch = newBatch('quacs', file.name);
  const courses = new Map<string, ImportedCourse>();
  const courseSections = new Map<string, ImportedSection[]>();
  const crns = new Set<string>();
  const quacsDate = (raw: unknown): string | null | undefined => {
    if (raw === undefined || raw === null || raw === '') return null;
    const match = typeof raw === 'string' ? /^(\d{1,2})\/(\d{1,2})$/.exec(raw.trim()) : null;
    return match ? isoDate(year, Number(match[1]), Number(match[2])) : undefined;
  };

  departments.forEach((department, d) => {
    if (!isRecord(department) || !Array.isArray(department.courses))
      return fail(`entry ${d} is not a department with "courses"`);
    const deptCode = typeof department.code === 'string' ? department.code.trim() : '';
    const deptName = typeof department.name === 'string' ? cleanText(department.name) : '';
    if (SUBJECT_RE.test(deptCode))
      batch.subjects.push({ code: deptCode, name: deptName || undefined });
    (department.courses as unknown[]).forEach((rawCourse, c) => {
      const where = `${deptCode || `department ${d}`} course ${c}`;
      if (!isRecord(rawCourse) || !Array.isArray(rawCourse.sections))
        return fail(`${where} has no "sections" list`);
      for (const rawSection of rawCourse.sections as unknown[]) {
        batch.stats.records += 1;
        if (!isRecord(rawSection) || !Array.isArray(rawSection.timeslots))
          return fail(`a section of ${where} has no "timeslots" list`);
        const crn = scalarText(rawSection.crn).trim();
        const subject = (scalarText(rawSection.subj) || scalarText(rawCourse.subj))
          .trim()
          .toUpperCase();
        const number = (scalarText(rawSection.crse) || scalarText(rawCourse.crse))
          .trim()
          .toUpperCase();
        const code = `${subject} ${number}`;
        if (!/^\d{1,10}$/.test(crn)) {
          batch.skipped.add('section without a CRN', `${code} ${scalarText(rawSection.sec)}`);
          continue;
        }
        if (crns.has(crn)) {
          batch.skipped.add('CRN listed twice (later entry skipped)', `CRN ${crn}`);
          continue;
        }
        if (!SUBJECT_RE.test(subject) || !COURSE_NUMBER_RE.test(number)) {
          batch.skipped.add('section with an unreadable course code', `CRN ${crn} (${code})`);
          continue;
        }
        const cap = rawSection.cap;
        const act = rawSection.act;
        const credMin = rawSection.credMin;
        const credMax = rawSection.credMax;
        if (!isInteger(cap) || cap < 0) {
          batch.skipped.add('section with an unreadable capacity', `CRN ${crn}`);
          continue;
        }
        if (
          typeof credMin !== 'number' ||
          typeof credMax !== 'number' ||
          credMin < 0 ||
          credMin > credMax ||
          credMax >= 100
        ) {
          batch.skipped.add('section with unreadable credits', `CRN ${crn}`);
          continue;
        }
        const meetings: ImportedMeeting[] = [];
        const instructors: string[] = [];
        let unreadable: string | undefined;
        for (const slot of rawSection.timeslots as unknown[]) {
          if (!isRecord(slot)) return fail(`a timeslot of CRN ${crn} is not an object`);
          const days = Array.isArray(slot.days) ? normalizeDays(slot.days.join('')) : null;
          // A missing time or -1 means "to be announced".
          const startTime =
            isInteger(slot.timeStart) && slot.timeStart !== -1 ? hhmmToTime(slot.timeStart) : null;
          const endTime =
            isInteger(slot.timeEnd) && slot.timeEnd !== -1 ? hhmmToTime(slot.timeEnd) : null;
          const startDate = quacsDate(slot.dateStart);
          const endDate = quacsDate(slot.dateEnd);
          if (days === undefined) unreadable = 'meeting days are not day letters';
          else if (startTime === undefined || endTime === undefined)
            unreadable = 'meeting time is not HHMM';
          else if (startTime && endTime && startTime >= endTime)
            unreadable = 'meeting ends before it starts';
          else if (startDate === undefined || endDate === undefined)
            unreadable = 'meeting dates are not M/D';
          if (unreadable) break;
          for (const name of scalarText(slot.instructor).split(/\s*;\s*/)) {
            const instructor = cleanText(name);
            if (
              instructor &&
              instructor.toUpperCase() !== 'TBA' &&
              !instructors.includes(instructor)
            )
              instructors.push(instructor);
          }
          addMeeting(meetings, {
            days: days ?? null,
            startTime: startTime && endTime ? startTime : null,
            endTime: startTime && endTime ? endTime : null,
            location: typeof slot.location === 'string' ? optionalText(slot.location) : null,
            startDate: startDate ?? null,
            endDate: endDate ?? null,
          });
        }
        if (unreadable) {
          batch.skipped.add('section with an unreadable meeting', `CRN ${crn} (${unreadable})`);
          continue;
        }
        crns.add(crn);
        const requisite = requisites.get(crn);
        const reservedSeats: ImportedReservedSeat[] | undefined = withRequisites ? [] : undefined;
        if (reservedSeats && requisite && Array.isArray(requisite.reserved)) {
          for (const rawRule of requisite.reserved as unknown[]) {
            const rule = isRecord(rawRule)
              ? quacsReservation(rawRule, subject)
              : 'unreadable reserved seats';
            if (typeof rule === 'string') batch.skipped.add(rule, `CRN ${crn}`);
            else reservedSeats.push(rule);
          }
        }
        const title = cleanText(scalarText(rawSection.title) || scalarText(rawCourse.title));
        const sectionCode = cleanText(scalarText(rawSection.sec)).toUpperCase() || crn;
        const section: ImportedSection = {
          crn,
          courseCode: code,
          sectionCode,
          kind: /L$/.test(number) ? 'lab' : 'lecture',
          title: title || null,
          // Without catalog.json the course title is a stand-in, and so is this comparison.
          titleAuthoritative: descriptions.size > 0,
          credits: credMin === credMax ? credMin : null,
          capacity: cap,
          capacitySource: 'file',
          linkedGroup: null,
          instructors,
          meetings,
          reservedSeats,
          importedEnrolment: isInteger(act) && act >= 0 ? act : undefined,
        };
        const list = courseSections.get(code) ?? [];
        list.push(section);
        courseSections.set(code, list);
        if (!courses.has(code)) {
          const catalog = descriptions.get(code);
          const courseTitle =
            cleanText(catalog?.name ?? '') || cleanText(scalarText(rawCourse.title)) || title;
          courses.set(code, {
            code,
            subjectCode: subject,
            number,
            title: courseTitle,
            titleAuthoritative: descriptions.size > 0,
            description:
              catalog?.description !== undefined ? cleanText(catalog.description) : undefined,
            creditsMin: credMin,
            creditsMax: credMax,
            prerequisites: withRequisites ? null : undefined,
            corequisites: withRequisites ? [] : undefined,
            restrictions: withRequisites ? {} : undefined,
          });
        } else {
          const course = courses.get(code)!;
          course.creditsMin = Math.min(course.creditsMin, credMin);
          course.creditsMax = Math.max(course.creditsMax, credMax);
        }
      }
    });
  });

  for (const [code, sections] of courseSections) {
    const course = courses.get(code)!;
    for (const section of sections) {
      if (section.title === course.title) section.title = null;
    }
    if (withRequisites) mergeQuacsRequisites(batch, course, sections, requisites);
    linkQuacsSections(sections);
    batch.sections.push(...sections);
  }
  batch.courses = [...courses.values()];
  const known = new Set(batch.subjects.map((s) => s.code));
  for (const course of batch.courses) {
    if (!known.has(course.subjectCode)) {
      batch.subjects.push({ code: course.subjectCode, name: undefined });
      known.add(course.subjectCode);
    }
  }
  const span = dateSpan(batch.sections.flatMap((s) => s.meetings));
  batch.term = {
    name: termNameFromCode(options.termCode),
    startsOn: span.startsOn,
    endsOn: span.endsOn,
  };
  return batch;
}

/**
 * QuACS keeps requisites per CRN; the catalog keeps them per course. Sections of a course agree
 * in the real files; when they do not, the first section's prerequisites win and it is reported.
 * Corequisites naming the course itself tie a lecture to its labs (see linkQuacsSections).
 */
function mergeQuacsRequisites(
  batch: CatalogBatch,
  course: ImportedCourse,
  sections: ImportedSection[],
  requisites: ReadonlyMap<string, Record<string, unknown>>,
): void {
  let prerequisites: Record<string, unknown> | null = null;
  let prerequisitesKey: string | undefined;
  const corequisites: string[] = [];
  let standings: string[] | undefined;
  for (const section of sections) {
    const requisite = requisites.get(section.crn);
    // The course is open to a standing if any of its sections is; a section without (readable)
    // restrictions is open to all.
    const allowed = requisite ? quacsStandings(requisite.restrictions) : undefined;
    if (typeof allowed === 'string') batch.skipped.add(allowed, `CRN ${section.crn}`);
    const open = Array.isArray(allowed) ? allowed : ALL_STANDINGS;
    const before = standings ?? [];
    standings = ALL_STANDINGS.filter((s) => open.includes(s) || before.includes(s));
    if (!requisite) continue;
    if (isRecord(requisite.prerequisites)) {
      const key = JSON.stringify(requisite.prerequisites);
      if (prerequisitesKey === undefined) {
        prerequisites = requisite.prerequisites;
        prerequisitesKey = key;
      } else if (key !== prerequisitesKey) {
        batch.skipped.add(
          'section prerequisites that differ from the course’s first section (first kept)',
          `CRN ${section.crn} (${course.code})`,
        );
      }
    }
    if (Array.isArray(requisite.corequisites)) {
      for (const raw of requisite.corequisites as unknown[]) {
        const code = typeof raw === 'string' ? raw.trim().toUpperCase().replace('-', ' ') : '';
        if (!/^[A-Z]{2,5} [0-9][0-9A-Z]{0,7}$/.test(code)) {
          batch.skipped.add('corequisite that is not a course code', `CRN ${section.crn}`);
        } else if (code !== course.code && !corequisites.includes(code)) {
          corequisites.push(code);
        }
      }
    }
  }
  course.prerequisites = prerequisites ? { kind: 'quacs', tree: prerequisites } : null;
  course.corequisites = corequisites;
  course.restrictions =
    standings && standings.length < ALL_STANDINGS.length ? { classStandings: standings } : {};
}

/**
 * Occidental numbers a lecture `01` and its labs `1-1`, `1-2`: they are taken together, so they
 * share a linked group named after the lecture number, and the `N-M` sections are labs.
 */
function linkQuacsSections(sections: ImportedSection[]): void {
  const labGroups = new Set<string>();
  for (const section of sections) {
    const match = /^(\d+)-(\d+)$/.exec(section.sectionCode);
    if (match) labGroups.add(String(Number(match[1])));
  }
  if (labGroups.size === 0) return;
  for (const section of sections) {
    const lab = /^(\d+)-(\d+)$/.exec(section.sectionCode);
    if (lab) {
      section.linkedGroup = String(Number(lab[1]));
      section.kind = 'lab';
      continue;
    }
    const lecture = /^(\d+)$/.exec(section.sectionCode);
    if (lecture && labGroups.has(String(Number(lecture[1]))))
      section.linkedGroup = String(Number(lecture[1]));
  }
}

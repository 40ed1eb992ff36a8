// Catalog rules: validation of terms, courses and sections (every problem reported at once), the
// transactions that write them, and search parameters turned into repository filters.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { CourseRestrictions, SectionKind } from '../../db/tables/catalog.ts';
import type { ProblemItem } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { isId } from '../../lib/ids.ts';
import {
  CatalogValidationError,
  CourseNotFoundError,
  CrnTakenError,
  ProgramNotFoundError,
  SectionCancelledError,
  SectionNotFoundError,
  SubjectNotFoundError,
  TermNotFoundError,
} from './catalog.errors.ts';
import * as repo from './catalog.repo.ts';
import type {
  InstructorRecord,
  MeetingRecord,
  ReservedGroupKind,
  ReservedSeatRecord,
  SectionFields,
  SectionRecord,
  SectionRow,
  TermRecord,
} from './catalog.repo.ts';
import {
  parseOptionalRequisite,
  printRequisite,
  RequisiteSyntaxError,
} from './catalog.requisites.ts';
import {
  CLASS_STANDINGS,
  SECTION_KINDS,
  type Course,
  type CoursePatch,
  type CourseCreate,
  type InstructorInput,
  type MeetingInput,
  type Program,
  type ProgramCreate,
  type ProgramPatch,
  type ReservedSeatsInput,
  type Section,
  type SectionCreate,
  type SectionPatch,
  type SectionSearchQuery,
  type Subject,
  type SubjectCreate,
  type Term,
  type TermCreate,
  type TermPatch,
} from './catalog.schemas.ts';
import {
  canonicalDays,
  daysMask,
  decodeCursor,
  encodeCursor,
  prefixTsQuery,
  searchTokens,
} from './catalog.search.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Registration's part in section changes, run inside the catalog's transaction so the change and
 * its consequences commit together: release and notify everyone when a section is cancelled,
 * promote from the wait-list when capacity grows. Without hooks the catalog changes only itself.
 */
export interface SectionLifecycleHooks {
  afterSectionCancelled?(tx: Transaction<DB>, section: SectionRow): Promise<void>;
  afterCapacityChanged?(
    tx: Transaction<DB>,
    section: SectionRow,
    previousCapacity: number,
  ): Promise<void>;
}

export interface CatalogServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  hooks?: SectionLifecycleHooks | undefined;
}

// ---------------------------------------------------------------- validation helpers (pure)

/** The IANA name Intl knows for `timeZone`, or undefined. Offsets like +05:00 are refused. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (/^[+-]/.test(timeZone.trim())) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** Every problem with a term, in the order its dates run. */
export function validateTermRecord(term: TermRecord): ProblemItem[] {
  const errors: ProblemItem[] = [];
  const add = (field: string, message: string) =>
    errors.push({ code: 'invalid', message, path: `body.${field}` });
  const zone = canonicalTimeZone(term.timeZone);
  if (!zone)
    add('timeZone', `"${term.timeZone}" is not a known time zone (use e.g. America/Chicago).`);
  if (term.startsOn > term.endsOn)
    add('endsOn', 'The term must end on or after the day it starts.');
  if (term.registrationOpensAt >= term.registrationClosesAt) {
    add('registrationClosesAt', 'Registration must close after it opens.');
  }
  if (term.addDropDeadline <= term.registrationOpensAt) {
    add('addDropDeadline', 'The add/drop deadline must come after registration opens.');
  }
  if (term.withdrawDeadline < term.addDropDeadline) {
    add('withdrawDeadline', 'The withdraw deadline cannot come before the add/drop deadline.');
  }
  if (zone) {
    if (localDate(term.registrationClosesAt, zone) > term.endsOn) {
      add('registrationClosesAt', 'Registration must close by the last day of the term.');
    }
    if (localDate(term.withdrawDeadline, zone) > term.endsOn) {
      add(
        'withdrawDeadline',
        'The withdraw deadline must fall on or before the last day of the term.',
      );
    }
  }
  if (term.minCredits > term.maxCredits) {
    add('maxCredits', 'The credit maximum cannot be below the minimum.');
  }
  return errors;
}

function fail(errors: ProblemItem[]): void {
  if (errors.length > 0) throw new CatalogValidationError(errors);
}

/**
 * The canonical text of an expression (null for none), or a problem that says where the syntax
 * goes wrong: "prerequisites: At position 7: expected a course code …".
 */
export function checkRequisiteExpression(
  field: 'prerequisites' | 'corequisites',
  text: string | null | undefined,
): { text: string | null; error?: ProblemItem } {
  try {
    const expr = parseOptionalRequisite(text);
    return { text: expr ? printRequisite(expr) : null };
  } catch (error) {
    if (!(error instanceof RequisiteSyntaxError)) throw error;
    return {
      text: null,
      error: {
        code: 'invalid_requisite',
        message: `${field}: ${error.message}`,
        path: `body.${field}`,
        position: error.position,
      },
    };
  }
}

const CLASS_STANDING_SET = new Set<string>(CLASS_STANDINGS);

/** Parses `class_standing:freshman`, `program:CS-BS`, `cohort:Honors`. */
export function parseReservedGroup(
  group: string,
): { kind: ReservedGroupKind; value: string } | undefined {
  const match = /^(class_standing|program|cohort):(.+)$/.exec(group.trim());
  if (!match) return undefined;
  const kind = match[1] as ReservedGroupKind;
  let value = match[2]!.trim();
  if (kind === 'class_standing') {
    value = value.toLowerCase();
    if (!CLASS_STANDING_SET.has(value)) return undefined;
  }
  if (kind === 'program') value = value.toUpperCase();
  return value ? { kind, value } : undefined;
}

const STANDING_LABELS: Record<string, string> = {
  freshman: 'First-year students',
  sophomore: 'Sophomores',
  junior: 'Juniors',
  senior: 'Seniors',
  graduate: 'Graduate students',
};

export function defaultReservedLabel(kind: ReservedGroupKind, value: string): string {
  switch (kind) {
    case 'class_standing':
      return STANDING_LABELS[value] ?? value;
    case 'program':
      return `${value} majors`;
    case 'cohort':
      return `${value} cohort`;
  }
}

function minutes(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

interface SectionContext {
  term: Term;
  course: Course;
}

/** Normalizes meetings and lists their problems (paths body.meetings.N.field). */
export function normalizeMeetings(
  inputs: readonly MeetingInput[],
  term: Pick<Term, 'startsOn' | 'endsOn'>,
  errors: ProblemItem[],
): MeetingRecord[] {
  return inputs.map((input, index) => {
    const path = `body.meetings.${index}`;
    const add = (field: string, message: string) =>
      errors.push({ code: 'invalid', message, path: field ? `${path}.${field}` : path });
    const days = input.days ?? null;
    const startTime = input.startTime ?? null;
    const endTime = input.endTime ?? null;
    const scheduled = [days, startTime, endTime].filter((v) => v !== null).length;
    let canonical: string | null = null;
    if (scheduled !== 0 && scheduled !== 3) {
      add(
        '',
        'Give days, startTime and endTime together, or none of them for an arranged meeting.',
      );
    }
    if (days !== null) {
      canonical = canonicalDays(days) ?? null;
      if (!canonical) add('days', `Days must be distinct letters from MTWRFSU (got "${days}").`);
    }
    if (startTime !== null && endTime !== null && minutes(startTime) >= minutes(endTime)) {
      add('endTime', 'A meeting must end after it starts.');
    }
    const startDate = input.startDate ?? null;
    const endDate = input.endDate ?? null;
    if (startDate !== null && endDate !== null && startDate > endDate) {
      add('endDate', 'The meeting dates end before they start.');
    }
    if (startDate !== null && (startDate < term.startsOn || startDate > term.endsOn)) {
      add(
        'startDate',
        `Meeting dates must fall within the term (${term.startsOn} to ${term.endsOn}).`,
      );
    }
    if (endDate !== null && (endDate < term.startsOn || endDate > term.endsOn)) {
      add(
        'endDate',
        `Meeting dates must fall within the term (${term.startsOn} to ${term.endsOn}).`,
      );
    }
    return {
      days: canonical ?? days,
      startTime,
      endTime,
      location: input.location?.trim() || null,
      startDate,
      endDate,
    };
  });
}

export function normalizeReservedSeats(
  inputs: readonly ReservedSeatsInput[],
  capacity: number,
  knownPrograms: ReadonlySet<string>,
  errors: ProblemItem[],
): ReservedSeatRecord[] {
  const records: ReservedSeatRecord[] = [];
  inputs.forEach((input, index) => {
    const path = `body.reservedSeats.${index}`;
    const group = parseReservedGroup(input.group);
    if (!group) {
      errors.push({
        code: 'invalid',
        message: `Unknown group "${input.group}": use class_standing:<${CLASS_STANDINGS.join('|')}>, program:<code> or cohort:<name>.`,
        path: `${path}.group`,
      });
      return;
    }
    if (group.kind === 'program' && !knownPrograms.has(group.value)) {
      errors.push({
        code: 'invalid',
        message: `There is no program ${group.value}.`,
        path: `${path}.group`,
      });
    }
    records.push({
      groupKind: group.kind,
      groupValue: group.value,
      label: input.label?.trim() || defaultReservedLabel(group.kind, group.value),
      seats: input.seats,
      until: input.until ? new Date(input.until) : null,
    });
  });
  const total = records.reduce((sum, r) => sum + r.seats, 0);
  if (total > capacity) {
    errors.push({
      code: 'invalid',
      message: `Reserved seats (${total}) exceed the capacity (${capacity}).`,
      path: 'body.reservedSeats',
    });
  }
  return records;
}

function reservedProgramCodes(inputs: readonly ReservedSeatsInput[]): string[] {
  return inputs
    .map((r) => parseReservedGroup(r.group))
    .filter((g) => g?.kind === 'program')
    .map((g) => g!.value);
}

function recordFromTerm(term: Term): TermRecord {
  return {
    code: term.code,
    name: term.name,
    timeZone: term.timeZone,
    startsOn: term.startsOn,
    endsOn: term.endsOn,
    registrationOpensAt: new Date(term.registrationOpensAt),
    registrationClosesAt: new Date(term.registrationClosesAt),
    addDropDeadline: new Date(term.addDropDeadline),
    withdrawDeadline: new Date(term.withdrawDeadline),
    minCredits: term.minCredits,
    maxCredits: term.maxCredits,
    claimWindowHours: term.claimWindowHours,
  };
}

function applyTermInput(base: TermRecord, input: TermPatch): TermRecord {
  const date = (v: string | undefined, fallback: Date) =>
    v === undefined ? fallback : new Date(v);
  return {
    code: input.code ?? base.code,
    name: input.name?.trim() ?? base.name,
    timeZone: input.timeZone?.trim() ?? base.timeZone,
    startsOn: input.startsOn ?? base.startsOn,
    endsOn: input.endsOn ?? base.endsOn,
    registrationOpensAt: date(input.registrationOpensAt, base.registrationOpensAt),
    registrationClosesAt: date(input.registrationClosesAt, base.registrationClosesAt),
    addDropDeadline: date(input.addDropDeadline, base.addDropDeadline),
    withdrawDeadline: date(input.withdrawDeadline, base.withdrawDeadline),
    minCredits: input.minCredits ?? base.minCredits,
    maxCredits: input.maxCredits ?? base.maxCredits,
    claimWindowHours:
      input.claimWindowHours === undefined ? base.claimWindowHours : input.claimWindowHours,
  };
}

function pageOf<T>(items: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const visible = items.slice(0, limit);
  const last = visible.at(-1);
  return {
    items: visible,
    nextCursor: items.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}

function badCursor(): CatalogValidationError {
  return new CatalogValidationError([
    {
      code: 'invalid_cursor',
      message: 'The cursor is not valid for this list; start again without it.',
      path: 'querystring.cursor',
    },
  ]);
}

function readCursor(cursor: string | undefined, sort: string, keyCount: number) {
  if (cursor === undefined) return undefined;
  const payload = decodeCursor(cursor, sort, keyCount);
  if (!payload) throw badCursor();
  return payload;
}

const DEFAULT_LIMIT = 50;
const KIND_SET = new Set<string>(SECTION_KINDS);

// ---------------------------------------------------------------- the service

export function createCatalogService(deps: CatalogServiceDeps) {
  const { db, clock, hooks } = deps;

  async function termOr404(executor: repo.Executor, id: string): Promise<Term> {
    if (!isId(id)) throw new TermNotFoundError();
    return repo.getTermById(executor, id);
  }

  async function courseOr404(executor: repo.Executor, id: string): Promise<Course> {
    if (!isId(id)) throw new CourseNotFoundError();
    return repo.getCourseById(executor, id);
  }

  async function normalizeInstructors(
    executor: repo.Executor,
    inputs: readonly InstructorInput[],
    errors: ProblemItem[],
  ): Promise<InstructorRecord[]> {
    const ids = inputs.map((i) => i.userId).filter((id): id is string => !!id && isId(id));
    const users = await repo.findUsersByIds(executor, ids);
    return inputs.map((input, index) => {
      const path = `body.instructors.${index}`;
      const userId = input.userId ?? null;
      const user = userId && isId(userId) ? users.get(userId) : undefined;
      if (userId !== null && !user) {
        errors.push({
          code: 'invalid',
          message: 'There is no user with this id.',
          path: `${path}.userId`,
        });
      } else if (user && !user.roles.includes('instructor')) {
        errors.push({
          code: 'invalid',
          message: `${user.name} does not have the instructor role.`,
          path: `${path}.userId`,
        });
      }
      const name = input.name?.trim() || user?.name || '';
      if (!name && userId === null) {
        errors.push({
          code: 'required',
          message: 'Give the instructor a name or a user id.',
          path,
        });
      }
      return { name, userId: user ? userId : null };
    });
  }

  /**
   * A section carries credits within its course's range, or 0 when it is a lab or discussion
   * linked to a lecture: the lecture then carries the course's credits, so a lecture and its lab
   * count once toward the credit limits and tuition.
   */
  function checkSectionCredits(
    section: { credits: number | null; kind: string; linkedGroup: string | null },
    course: Course,
    errors: ProblemItem[],
  ): void {
    const { credits } = section;
    if (credits === null) return;
    if (credits === 0 && section.kind !== 'lecture' && section.linkedGroup) return;
    if (credits < course.credits.min || credits > course.credits.max) {
      errors.push({
        code: 'invalid',
        message: `Section credits must be within the course's ${course.credits.min}–${course.credits.max}${section.kind !== 'lecture' ? ', or 0 for a section linked to a lecture' : ''}.`,
        path: 'body.credits',
      });
    }
  }

  async function normalizeCourse(
    executor: repo.Executor,
    input: {
      subject: string;
      number: string;
      title: string;
      description?: string | undefined;
      credits: { min: number; max?: number | undefined };
      prerequisites?: string | null | undefined;
      corequisites?: string | null | undefined;
      restrictions?: CourseRestrictions | undefined;
    },
  ): Promise<repo.CourseRecord> {
    const errors: ProblemItem[] = [];
    const creditsMax = input.credits.max ?? input.credits.min;
    if (creditsMax < input.credits.min) {
      errors.push({
        code: 'invalid',
        message: 'The credit maximum cannot be below the minimum.',
        path: 'body.credits.max',
      });
    }
    const prerequisites = checkRequisiteExpression('prerequisites', input.prerequisites);
    const corequisites = checkRequisiteExpression('corequisites', input.corequisites);
    for (const check of [prerequisites, corequisites]) if (check.error) errors.push(check.error);
    const restrictions: CourseRestrictions = {};
    if (input.restrictions?.classStandings?.length) {
      restrictions.classStandings = [...input.restrictions.classStandings];
    }
    if (input.restrictions?.programs?.length) {
      const codes = input.restrictions.programs.map((p) => p.toUpperCase());
      const known = await repo.findExistingProgramCodes(executor, codes);
      codes.forEach((code, i) => {
        if (!known.has(code)) {
          errors.push({
            code: 'invalid',
            message: `There is no program ${code}.`,
            path: `body.restrictions.programs.${i}`,
          });
        }
      });
      restrictions.programs = codes;
    }
    if (!(await repo.findSubject(executor, input.subject))) {
      errors.push({
        code: 'invalid',
        message: `There is no subject ${input.subject}; create it first.`,
        path: 'body.subject',
      });
    }
    fail(errors);
    return {
      subject: input.subject,
      number: input.number,
      title: input.title.trim(),
      description: input.description?.trim() ?? '',
      creditsMin: input.credits.min,
      creditsMax,
      prerequisites: prerequisites.text,
      corequisites: corequisites.text,
      restrictions,
    };
  }

  /** Validates a full section against its term and course; throws listing every problem. */
  async function normalizeSection(
    executor: repo.Executor,
    context: SectionContext,
    input: {
      crn: string;
      sectionCode: string;
      kind: SectionKind;
      title: string | null;
      credits: number | null;
      instructors: readonly InstructorInput[];
      meetings: readonly MeetingInput[];
      capacity: number;
      waitlistCapacity: number;
      waitlistMode: 'auto' | 'claim';
      reservedSeats: readonly ReservedSeatsInput[];
      linkedGroup: string | null;
    },
  ): Promise<SectionRecord> {
    const errors: ProblemItem[] = [];
    const meetings = normalizeMeetings(input.meetings, context.term, errors);
    const instructors = await normalizeInstructors(executor, input.instructors, errors);
    const programs = await repo.findExistingProgramCodes(
      executor,
      reservedProgramCodes(input.reservedSeats),
    );
    const reservedSeats = normalizeReservedSeats(
      input.reservedSeats,
      input.capacity,
      programs,
      errors,
    );
    checkSectionCredits(
      { credits: input.credits, kind: input.kind, linkedGroup: input.linkedGroup?.trim() || null },
      context.course,
      errors,
    );
    fail(errors);
    return {
      courseId: context.course.id,
      crn: input.crn,
      sectionCode: input.sectionCode.trim(),
      kind: input.kind,
      title: input.title?.trim() || null,
      credits: input.credits,
      capacity: input.capacity,
      waitlistCapacity: input.waitlistCapacity,
      waitlistMode: input.waitlistMode,
      linkedGroup: input.linkedGroup?.trim() || null,
      instructors,
      meetings,
      reservedSeats,
    };
  }

  return {
    // ------------------------------------------------------------ terms
    async listTerms(query: {
      limit?: number | undefined;
      cursor?: string | undefined;
    }): Promise<Page<Term>> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = readCursor(query.cursor, 'terms', 1);
      const items = await repo.listTerms(db, {
        limit: limit + 1,
        after: after ? { startsOn: String(after.keys[0]), id: after.id } : undefined,
      });
      return pageOf(items, limit, (t) =>
        encodeCursor({ sort: 'terms', keys: [t.startsOn], id: t.id }),
      );
    },

    getTerm(id: string): Promise<Term> {
      return termOr404(db, id);
    },

    async createTerm(input: TermCreate): Promise<Term> {
      const record = applyTermInput(
        {
          code: '',
          name: '',
          timeZone: '',
          startsOn: '',
          endsOn: '',
          registrationOpensAt: new Date(0),
          registrationClosesAt: new Date(0),
          addDropDeadline: new Date(0),
          withdrawDeadline: new Date(0),
          minCredits: 0,
          maxCredits: 18,
          claimWindowHours: null,
        },
        input,
      );
      fail(validateTermRecord(record));
      record.timeZone = canonicalTimeZone(record.timeZone)!;
      return repo.insertTerm(db, record);
    },

    async updateTerm(id: string, patch: TermPatch): Promise<Term> {
      return db.transaction().execute(async (tx) => {
        const current = await termOr404(tx, id);
        const record = applyTermInput(recordFromTerm(current), patch);
        fail(validateTermRecord(record));
        record.timeZone = canonicalTimeZone(record.timeZone)!;
        return repo.updateTerm(tx, id, record);
      });
    },

    // ------------------------------------------------------------ subjects and programs
    async listSubjects(query: {
      limit?: number | undefined;
      cursor?: string | undefined;
    }): Promise<Page<Subject>> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = readCursor(query.cursor, 'subjects', 0);
      const items = await repo.listSubjects(db, { limit: limit + 1, afterCode: after?.id });
      return pageOf(items, limit, (s) => encodeCursor({ sort: 'subjects', keys: [], id: s.code }));
    },

    createSubject(input: SubjectCreate): Promise<Subject> {
      return repo.insertSubject(db, { code: input.code.toUpperCase(), name: input.name.trim() });
    },

    async renameSubject(code: string, name: string): Promise<Subject> {
      const subject = await repo.updateSubjectName(db, code.toUpperCase(), name.trim());
      if (!subject) throw new SubjectNotFoundError(code.toUpperCase());
      return subject;
    },

    async listPrograms(query: {
      limit?: number | undefined;
      cursor?: string | undefined;
    }): Promise<Page<Program>> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = readCursor(query.cursor, 'programs', 0);
      const items = await repo.listPrograms(db, { limit: limit + 1, afterCode: after?.id });
      return pageOf(items, limit, (p) => encodeCursor({ sort: 'programs', keys: [], id: p.code }));
    },

    createProgram(input: ProgramCreate): Promise<Program> {
      return repo.insertProgram(db, {
        code: input.code.toUpperCase(),
        name: input.name.trim(),
        degree: input.degree?.trim() || null,
      });
    },

    async updateProgram(code: string, patch: ProgramPatch): Promise<Program> {
      const changes: { name?: string; degree?: string | null } = {};
      if (patch.name !== undefined) changes.name = patch.name.trim();
      if (patch.degree !== undefined) changes.degree = patch.degree?.trim() || null;
      const program = await repo.updateProgram(db, code.toUpperCase(), changes);
      if (!program) throw new ProgramNotFoundError(code.toUpperCase());
      return program;
    },

    // ------------------------------------------------------------ courses
    async listCourses(query: {
      q?: string | undefined;
      subject?: string | undefined;
      limit?: number | undefined;
      cursor?: string | undefined;
    }): Promise<Page<Course>> {
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = readCursor(query.cursor, 'courses', 0);
      const tsQuery = query.q === undefined ? undefined : prefixTsQuery(query.q);
      const items = await repo.listCourses(db, {
        tsQuery,
        subject: query.subject?.toUpperCase(),
        limit: limit + 1,
        afterCode: after?.id,
      });
      return pageOf(items, limit, (c) => encodeCursor({ sort: 'courses', keys: [], id: c.code }));
    },

    getCourse(id: string): Promise<Course> {
      return courseOr404(db, id);
    },

    async createCourse(input: CourseCreate): Promise<Course> {
      const record = await normalizeCourse(db, {
        ...input,
        subject: input.subject.toUpperCase(),
        number: input.number.toUpperCase(),
      });
      return repo.insertCourse(db, record);
    },

    async updateCourse(id: string, patch: CoursePatch): Promise<Course> {
      return db.transaction().execute(async (tx) => {
        const current = await courseOr404(tx, id);
        const record = await normalizeCourse(tx, {
          subject: current.subject,
          number: current.number,
          title: patch.title ?? current.title,
          description: patch.description ?? current.description,
          credits: patch.credits ?? current.credits,
          prerequisites:
            patch.prerequisites === undefined ? current.prerequisites : patch.prerequisites,
          corequisites:
            patch.corequisites === undefined ? current.corequisites : patch.corequisites,
          restrictions: patch.restrictions ?? current.restrictions,
        });
        return repo.updateCourse(tx, id, record);
      });
    },

    // ------------------------------------------------------------ sections
    async getSection(id: string): Promise<Section> {
      if (!isId(id)) throw new SectionNotFoundError();
      return repo.getSectionById(db, id);
    },

    async createSection(input: SectionCreate): Promise<Section> {
      const errors: ProblemItem[] = [];
      const term = isId(input.termId) ? await repo.findTermById(db, input.termId) : undefined;
      if (!term)
        errors.push({ code: 'invalid', message: 'There is no such term.', path: 'body.termId' });
      const course = isId(input.courseId)
        ? await repo.findCourseById(db, input.courseId)
        : undefined;
      if (!course)
        errors.push({
          code: 'invalid',
          message: 'There is no such course.',
          path: 'body.courseId',
        });
      fail(errors);
      const record = await normalizeSection(
        db,
        { term: term!, course: course! },
        {
          crn: input.crn ?? '',
          sectionCode: input.sectionCode,
          kind: input.kind ?? 'lecture',
          title: input.title ?? null,
          credits: input.credits ?? null,
          instructors: input.instructors ?? [],
          meetings: input.meetings ?? [],
          capacity: input.capacity,
          waitlistCapacity: input.waitlistCapacity ?? 0,
          waitlistMode: input.waitlistMode ?? 'auto',
          reservedSeats: input.reservedSeats ?? [],
          linkedGroup: input.linkedGroup ?? null,
        },
      );
      // Without a CRN the next free one is taken; a concurrent create may win it, so try again.
      for (let attempt = 0; ; attempt += 1) {
        try {
          const id = await db.transaction().execute(async (tx) => {
            const crn = input.crn ?? (await repo.nextFreeCrn(tx, term!.id));
            const [sectionId] = await repo.insertSections(tx, term!.id, [{ ...record, crn }]);
            return sectionId!;
          });
          return await repo.getSectionById(db, id);
        } catch (error) {
          if (!(error instanceof CrnTakenError) || input.crn !== undefined || attempt >= 4)
            throw error;
        }
      }
    },

    async updateSection(id: string, patch: SectionPatch): Promise<Section> {
      if (!isId(id)) throw new SectionNotFoundError();
      await db.transaction().execute(async (tx) => {
        // The row lock orders this edit with seat-taking transactions on the same section.
        const row = await repo.lockSection(tx, id);
        if (row.status === 'cancelled') throw new SectionCancelledError();
        const current = await repo.getSectionById(tx, id);
        const [term, course] = await Promise.all([
          repo.getTermById(tx, current.termId),
          repo.getCourseById(tx, current.courseId),
        ]);
        const own = await repo.getSectionOwnTitleAndCredits(tx, id);
        const record = await normalizeSection(
          tx,
          { term, course },
          {
            crn: patch.crn ?? current.crn,
            sectionCode: patch.sectionCode ?? current.sectionCode,
            kind: patch.kind ?? current.kind,
            title: patch.title === undefined ? own.title : patch.title,
            credits: patch.credits === undefined ? own.credits : patch.credits,
            instructors: patch.instructors ?? current.instructors,
            meetings: patch.meetings ?? current.meetings,
            capacity: patch.capacity ?? current.capacity,
            waitlistCapacity: patch.waitlistCapacity ?? current.waitlistCapacity,
            waitlistMode: patch.waitlistMode ?? current.waitlistMode,
            reservedSeats: patch.reservedSeats ?? current.reservedSeats,
            linkedGroup:
              patch.linkedGroup === undefined ? (current.linkedGroup ?? null) : patch.linkedGroup,
          },
        );
        const fields: Partial<SectionFields> = {};
        if (patch.crn !== undefined) fields.crn = record.crn;
        if (patch.sectionCode !== undefined) fields.sectionCode = record.sectionCode;
        if (patch.kind !== undefined) fields.kind = record.kind;
        if (patch.title !== undefined) fields.title = record.title;
        if (patch.credits !== undefined) fields.credits = record.credits;
        if (patch.capacity !== undefined) fields.capacity = record.capacity;
        if (patch.waitlistCapacity !== undefined) fields.waitlistCapacity = record.waitlistCapacity;
        if (patch.waitlistMode !== undefined) fields.waitlistMode = record.waitlistMode;
        if (patch.linkedGroup !== undefined) fields.linkedGroup = record.linkedGroup;
        if (Object.keys(fields).length > 0) await repo.updateSectionFields(tx, id, fields);
        if (patch.instructors !== undefined) {
          await repo.replaceSectionInstructors(tx, id, record.instructors);
        }
        if (patch.meetings !== undefined)
          await repo.replaceSectionMeetings(tx, id, record.meetings);
        if (patch.reservedSeats !== undefined) {
          await repo.replaceSectionReservedSeats(tx, id, record.reservedSeats);
        }
        if (patch.capacity !== undefined && patch.capacity !== row.capacity) {
          await hooks?.afterCapacityChanged?.(
            tx,
            { ...row, capacity: patch.capacity },
            row.capacity,
          );
        }
      });
      return repo.getSectionById(db, id);
    },

    /** Cancels the section (idempotent); registration's hook releases its students. */
    async cancelSection(id: string): Promise<Section> {
      if (!isId(id)) throw new SectionNotFoundError();
      await db.transaction().execute(async (tx) => {
        const row = await repo.lockSection(tx, id);
        const changed = await repo.markSectionCancelled(tx, id, clock.now());
        if (changed) await hooks?.afterSectionCancelled?.(tx, { ...row, status: 'cancelled' });
      });
      return repo.getSectionById(db, id);
    },

    async searchSections(termId: string, query: SectionSearchQuery): Promise<Page<Section>> {
      if (!isId(termId)) throw new TermNotFoundError();
      const page = await runSearch({ termId }, query);
      // One round trip in the common case: an unknown term shows only as an empty page.
      if (page.items.length === 0) await termOr404(db, termId);
      return page;
    },

    async listCourseSections(
      courseId: string,
      query: {
        termId?: string | undefined;
        limit?: number | undefined;
        cursor?: string | undefined;
      },
    ): Promise<Page<Section>> {
      await courseOr404(db, courseId);
      if (query.termId !== undefined && !isId(query.termId)) throw new TermNotFoundError();
      return runSearch({ courseId, termId: query.termId }, { ...query, sort: 'code' });
    },
  };

  async function runSearch(
    scope: { termId?: string | undefined; courseId?: string | undefined },
    query: SectionSearchQuery,
  ): Promise<Page<Section>> {
    const sort = query.sort ?? 'code';
    const spec = repo.SEARCH_SORT_SPECS[sort];
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = readCursor(query.cursor, sort, spec.keys.length);
    const q = query.q?.trim() ? query.q : undefined;
    const tokens = q === undefined ? [] : searchTokens(q);
    const crn = tokens.length === 1 && /^[0-9]{4,}$/.test(tokens[0]!) ? tokens[0] : undefined;
    let instructorUserId: string | undefined;
    let instructorTsQuery: string | undefined;
    if (query.instructor !== undefined) {
      if (isId(query.instructor)) instructorUserId = query.instructor;
      else instructorTsQuery = prefixTsQuery(query.instructor);
    }
    const kinds = query.kind?.split(',').filter((k): k is SectionKind => KIND_SET.has(k));
    const { items, next } = await repo.searchSections(db, {
      ...scope,
      tsQuery: q === undefined ? undefined : prefixTsQuery(q),
      crn,
      subjects: query.subject?.split(',').map((s) => s.toUpperCase()),
      daysMask: query.days === undefined ? undefined : daysMask(query.days),
      startAfter: query.startAfter,
      endBefore: query.endBefore,
      openOnly: query.open === true,
      credits: query.credits,
      instructorUserId,
      instructorTsQuery,
      kinds,
      includeCancelled: query.includeCancelled === true,
      sort,
      limit,
      after,
    });
    return { items, nextCursor: next ? encodeCursor(next) : null };
  }
}

export type CatalogService = ReturnType<typeof createCatalogService>;

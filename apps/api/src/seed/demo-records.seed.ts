// The demo university's student records: transcripts that agree with each student's credits and
// standing and respect the catalog's prerequisite chains, a few holds (some lifted long ago), and
// the registrar's time tickets for the terms that take registration. Made from a seeded PRNG after
// the people and the catalog, in student-number order, so every run with the same date agrees.
import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ClassStanding } from '../db/tables/identity.ts';
import { newId } from '../lib/ids.ts';
import {
  CLASS_STANDINGS,
  formatCourseCode,
  gradeMeetsMinimum,
  parseOptionalRequisite,
  type RequisiteExpr,
} from '../modules/catalog/catalog.requisites.ts';
import type { Term } from '../modules/catalog/catalog.schemas.ts';
import { classStandingForCredits, isPassingGrade } from '../modules/identity/identity.service.ts';
import {
  replaceTimeTicketRules,
  type TimeTicketRuleRecord,
} from '../modules/registration/registration.repo.ts';
import { createRandom, type Random } from './demo-catalog.seed.ts';

const SEED = 0x7ec0_2d5;
const DAY_MS = 86_400_000;
/** Rows per INSERT … SELECT FROM unnest(…): large enough that round trips do not dominate. */
const INSERT_BATCH = 8_000;
/** Students whose transcripts are drawn between progress updates. */
const STUDENT_BATCH = 2_500;

/** Share of students with a hold (active or lifted), and of those, the share already lifted. */
export const HOLD_RATE = 0.03;
export const LIFTED_HOLD_SHARE = 0.3;
/** Share of students with their own time ticket (accommodations, athletes, veterans). */
export const TICKET_OVERRIDE_RATE = 0.005;

export interface SeedDemoRecordsOptions {
  /** Draw a progress bar on stderr. */
  progress: boolean;
  /** The seed date: terms that ended before it are graded. */
  now: Date;
  /** Terms that take registration (tickets are set for each), and the terms before them. */
  terms: { open: Term[]; past: Term[] };
  /** Places and lifts the holds that are not an advisor's. */
  adminId: string;
  /** The student the start-up banner prints: no hold and no ticket of their own. */
  showcaseStudentId: string | undefined;
}

export interface DemoRecords {
  transcriptEntries: number;
  holds: number;
  activeHolds: number;
  ticketRules: number;
  ticketOverrides: number;
}

// ---------------------------------------------------------------- requisites, compiled

/** What a student has done before a term: passing grades by course code, and standing. */
interface StudentHistory {
  passed: Map<string, string>;
  /** Index in CLASS_STANDINGS. */
  standing: number;
}

type Check = (history: StudentHistory, sameTerm: ReadonlySet<string>) => boolean;

/**
 * The catalog's requisite semantics (catalog.requisites.ts evaluateRequisite) compiled into a
 * closure: evaluated millions of times here, where indexing the facts on every call would
 * dominate. `corequisite` lets courses of the same term satisfy every course atom, as the catalog
 * does; otherwise only atoms marked [concurrent].
 */
function compileRequisite(expr: RequisiteExpr, corequisite: boolean): Check {
  switch (expr.kind) {
    case 'and': {
      const items = expr.items.map((item) => compileRequisite(item, corequisite));
      return (h, s) => items.every((check) => check(h, s));
    }
    case 'or': {
      const items = expr.items.map((item) => compileRequisite(item, corequisite));
      return (h, s) => items.some((check) => check(h, s));
    }
    case 'course': {
      const code = formatCourseCode(expr);
      const minimum = expr.minGrade;
      const together = expr.concurrent || corequisite;
      return (h, s) => {
        const grade = h.passed.get(code);
        if (grade !== undefined && gradeMeetsMinimum(grade, minimum)) return true;
        return together && s.has(code);
      };
    }
    case 'standing': {
      const needed = CLASS_STANDINGS.indexOf(expr.standing);
      return (h) => h.standing >= needed;
    }
    // A demo record has no test scores or permits: such courses are never drawn.
    case 'test':
    case 'permission':
      return () => false;
  }
}

interface CatalogCourse {
  code: string;
  subject: string;
  /** 1–4 undergraduate, 5 graduate. */
  level: number;
  credits: number;
  prerequisite: Check | null;
  corequisite: Check | null;
}

async function loadCourses(db: Kysely<DB>): Promise<CatalogCourse[]> {
  const rows = await db
    .selectFrom('courses')
    .select([
      'code',
      'subject_code',
      'number',
      'credits_min',
      'credits_max',
      'prerequisites',
      'corequisites',
    ])
    .orderBy('code')
    .execute();
  const courses: CatalogCourse[] = [];
  for (const row of rows) {
    const level = Number(row.number[0]);
    // Variable credits mark independent study, taken by arrangement: not drawn.
    if (!Number.isInteger(level) || Number(row.credits_min) !== Number(row.credits_max)) continue;
    const prerequisite = parseOptionalRequisite(row.prerequisites);
    const corequisite = parseOptionalRequisite(row.corequisites);
    courses.push({
      code: row.code,
      subject: row.subject_code,
      level,
      credits: Number(row.credits_min),
      prerequisite: prerequisite ? compileRequisite(prerequisite, false) : null,
      corequisite: corequisite ? compileRequisite(corequisite, true) : null,
    });
  }
  return courses;
}

// ---------------------------------------------------------------- transcripts

/** Letter grades with their weights: mostly A and B, some C, a few D, F and W. */
const UNDERGRADUATE_GRADES: ReadonlyArray<[string, number]> = [
  ['A', 22],
  ['A-', 12],
  ['B+', 13],
  ['B', 15],
  ['B-', 8],
  ['C+', 7],
  ['C', 7],
  ['C-', 4],
  ['D+', 2],
  ['D', 2],
  ['F', 3],
  ['W', 5],
];
const GRADUATE_GRADES: ReadonlyArray<[string, number]> = [
  ['A', 38],
  ['A-', 22],
  ['B+', 16],
  ['B', 12],
  ['B-', 5],
  ['C+', 2],
  ['C', 1],
  ['F', 1],
  ['W', 3],
];

function gradeDrawer(table: ReadonlyArray<[string, number]>): (random: Random) => string {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  return (random) => {
    let roll = random.next() * total;
    for (const [grade, weight] of table) {
      roll -= weight;
      if (roll < 0) return grade;
    }
    return table[table.length - 1]![0];
  };
}
const undergraduateGrade = gradeDrawer(UNDERGRADUATE_GRADES);
const graduateGrade = gradeDrawer(GRADUATE_GRADES);

/** Credits that 3- and 4-credit courses add up to exactly. */
function reachable(credits: number): boolean {
  return credits === 0 || credits === 3 || credits === 4 || credits >= 6;
}

/** The nearest total a transcript can reach: 1 and 2 round up to one course, 5 down to 4. */
function reachableTarget(credits: number): number {
  if (credits <= 0) return 0;
  if (credits <= 2) return 3;
  if (credits === 5) return 4;
  return Math.round(credits);
}

/** SP2026 → FA2025, FA2026 → SP2026 (the demo calendar has spring and fall semesters). */
function previousTermCode(code: string): string {
  const year = Number(code.slice(2));
  return code.startsWith('SP') ? `FA${year - 1}` : `SP${year}`;
}

/** The last `count` term codes up to and including `last`, oldest first. */
function termCodesUpTo(last: string, count: number): string[] {
  const codes = [last];
  while (codes.length < count) codes.unshift(previousTermCode(codes[0]!));
  return codes;
}

interface StudentRow {
  id: string;
  program: string | null;
  standing: ClassStanding;
  creditsEarned: number;
  advisorId: string | null;
}

interface Entry {
  courseCode: string;
  termCode: string;
  grade: string;
  credits: number;
}

interface WeightedCourse {
  course: CatalogCourse;
  weight: number;
}

/** The courses open to a student in a term, with running totals of their draw weights. */
interface OpenCourses {
  courses: CatalogCourse[];
  cumulative: number[];
}

const NOTHING: ReadonlySet<string> = new Set();

/**
 * Open this term: at most a level above the student's year, prerequisites met by earlier terms,
 * not passed already; weighted towards their year's level (graduate courses are level 5).
 */
function openCourses(
  pool: readonly WeightedCourse[],
  history: StudentHistory,
  year: number,
): OpenCourses {
  const open: OpenCourses = { courses: [], cumulative: [] };
  let total = 0;
  for (const { course, weight } of pool) {
    if (course.level > year + 1 || history.passed.has(course.code)) continue;
    if (course.prerequisite !== null && !course.prerequisite(history, NOTHING)) continue;
    // Upperclassmen still take some introductory courses, but mostly their year's and the next.
    const distance = course.level - year;
    total += weight * (distance === 0 ? 6 : distance === 1 ? 1.5 : distance === -1 ? 0.75 : 0.1);
    open.courses.push(course);
    open.cumulative.push(total);
  }
  return open;
}

/** Binary search in running totals: the first index whose total exceeds the roll. */
function indexAt(cumulative: readonly number[], roll: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle]! > roll) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * A weighted draw among the open courses that fit: a few draws from all of them first (most fit),
 * then one draw among exactly those that fit; undefined when none does.
 */
function drawCourse(
  open: OpenCourses,
  fits: (course: CatalogCourse) => boolean,
  random: Random,
): CatalogCourse | undefined {
  const { courses, cumulative } = open;
  if (courses.length === 0) return undefined;
  const total = cumulative[cumulative.length - 1]!;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const course = courses[indexAt(cumulative, random.next() * total)]!;
    if (fits(course)) return course;
  }
  const fitting: number[] = [];
  const running: number[] = [];
  let sum = 0;
  for (let i = 0; i < courses.length; i += 1) {
    if (!fits(courses[i]!)) continue;
    sum += cumulative[i]! - (i === 0 ? 0 : cumulative[i - 1]!);
    fitting.push(i);
    running.push(sum);
  }
  if (fitting.length === 0) return undefined;
  return courses[fitting[indexAt(running, random.next() * sum)]!];
}

/** Subjects whose upper-level courses also ask for mathematics (as the catalog seed writes them). */
const MATH_HEAVY = new Set(['CS', 'STAT', 'DS', 'ECE', 'ME', 'PHYS', 'CHEM', 'ECON']);

class TranscriptWriter {
  private readonly bySubject = new Map<string, CatalogCourse[]>();
  private readonly subjects: string[];
  private readonly graduateSubjects: string[];
  private readonly electivePools = new Map<boolean, WeightedCourse[]>();
  private readonly random: Random;
  private readonly lastTerm: string;

  constructor(courses: readonly CatalogCourse[], random: Random, lastTerm: string) {
    this.random = random;
    this.lastTerm = lastTerm;
    for (const course of courses) {
      const list = this.bySubject.get(course.subject) ?? [];
      list.push(course);
      this.bySubject.set(course.subject, list);
    }
    const subjects = [...this.bySubject.keys()];
    this.subjects = subjects.filter((s) => this.bySubject.get(s)!.some((c) => c.level <= 4));
    this.graduateSubjects = subjects.filter((s) =>
      this.bySubject.get(s)!.some((c) => c.level >= 5),
    );
  }

  private coursesOf(weights: ReadonlyMap<string, number>, graduate: boolean): WeightedCourse[] {
    const pool: WeightedCourse[] = [];
    for (const [subject, weight] of weights) {
      for (const course of this.bySubject.get(subject)!) {
        if (graduate === course.level >= 5) pool.push({ course, weight });
      }
    }
    return pool;
  }

  /** The courses a student draws from, with a weight per subject: the major's weighs most. */
  private poolFor(student: StudentRow, graduate: boolean): WeightedCourse[] {
    const major = student.program?.split('-')[0] ?? '';
    const weights = new Map<string, number>();
    if (graduate) {
      for (const subject of this.graduateSubjects) weights.set(subject, subject === major ? 6 : 1);
    } else {
      if (this.bySubject.has(major)) weights.set(major, 8);
      if (MATH_HEAVY.has(major) && this.bySubject.has('MATH')) weights.set('MATH', 3);
      // General education: a few other subjects, different for each student.
      for (let i = 0; i < 3 && this.subjects.length > 0; i += 1) {
        const subject = this.random.pick(this.subjects);
        if (!weights.has(subject)) weights.set(subject, 1.5);
      }
    }
    return this.coursesOf(weights, graduate);
  }

  /** Every subject, for electives when the student's own subjects have nothing that fits. */
  private electives(graduate: boolean): WeightedCourse[] {
    let pool = this.electivePools.get(graduate);
    if (!pool) {
      const subjects = graduate ? this.graduateSubjects : this.subjects;
      pool = this.coursesOf(new Map(subjects.map((s) => [s, 1])), graduate);
      this.electivePools.set(graduate, pool);
    }
    return pool;
  }

  /** Every attempt of one student, oldest term first; passing credits add up to their credits. */
  transcriptOf(student: StudentRow): Entry[] {
    const graduate = student.standing === 'graduate';
    const target = reachableTarget(student.creditsEarned);
    if (target === 0) return [];
    const perTerm = graduate ? 9 : 15;
    const terms = termCodesUpTo(this.lastTerm, Math.max(1, Math.round(target / perTerm)));
    const pool = this.poolFor(student, graduate);
    const drawGrade = graduate ? graduateGrade : undergraduateGrade;
    const history: StudentHistory = { passed: new Map(), standing: 0 };
    const entries: Entry[] = [];
    let earned = 0;
    for (let t = 0; t < terms.length; t += 1) {
      const termCode = terms[t]!;
      const remaining = target - earned;
      const termTarget =
        t === terms.length - 1 ? remaining : Math.round(remaining / (terms.length - t));
      history.standing = CLASS_STANDINGS.indexOf(
        graduate ? 'graduate' : classStandingForCredits(earned),
      );
      const year = graduate ? 5 : Math.min(4, Math.floor(earned / 30) + 1);
      const own = openCourses(pool, history, year);
      let anySubject: OpenCourses | undefined;
      const taking = new Set<string>();
      const passedNow: Entry[] = [];
      let termEarned = 0;
      for (let picks = 0; picks < 10 && termEarned < termTarget; picks += 1) {
        const left = target - earned - termEarned;
        const room = termTarget - termEarned;
        const fits = (course: CatalogCourse): boolean =>
          !taking.has(course.code) &&
          course.credits <= left &&
          course.credits <= room + 2 &&
          reachable(left - course.credits) &&
          (course.corequisite === null || course.corequisite(history, taking));
        let course = drawCourse(own, fits, this.random);
        if (!course) {
          anySubject ??= openCourses(this.electives(graduate), history, year);
          course = drawCourse(anySubject, fits, this.random);
        }
        if (!course) break;
        const grade = drawGrade(this.random);
        const entry = { courseCode: course.code, termCode, grade, credits: course.credits };
        taking.add(course.code);
        entries.push(entry);
        if (isPassingGrade(grade)) {
          termEarned += course.credits;
          passedNow.push(entry);
        }
      }
      // Grades post at the end of the term: they count from the next one.
      for (const entry of passedNow) history.passed.set(entry.courseCode, entry.grade);
      earned += termEarned;
    }
    return entries;
  }
}

let lastIdMillis = 0;

/**
 * `count` UUIDv7s (the kind lib/ids newId makes) from one call for random bytes: newId asks for
 * random bytes per id, which took seconds for a million rows. Ascending within the batch (a
 * counter in the 18 bits after the version) and after every earlier batch (a later millisecond).
 */
function timeOrderedIds(count: number): string[] {
  const millis = Math.max(Date.now(), lastIdMillis + 1);
  lastIdMillis = millis;
  const random = randomBytes(count * 8);
  const time = millis.toString(16).padStart(12, '0');
  const prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i += 1) {
    const counter = i & 0x3ffff;
    const randA = (counter >> 6).toString(16).padStart(3, '0');
    const variant = (0x80 | (counter & 0x3f)).toString(16);
    const tail = random.toString('hex', i * 8 + 1, i * 8 + 8);
    ids[i] = `${prefix}${randA}-${variant}${tail.slice(0, 2)}-${tail.slice(2, 14)}`;
  }
  return ids;
}

interface TranscriptRows {
  students: string[];
  courses: string[];
  terms: string[];
  grades: string[];
  credits: number[];
}

function emptyRows(): TranscriptRows {
  return { students: [], courses: [], terms: [], grades: [], credits: [] };
}

async function insertTranscriptRows(tx: Transaction<DB>, rows: TranscriptRows): Promise<void> {
  if (rows.students.length === 0) return;
  const ids = timeOrderedIds(rows.students.length);
  await sql`
    insert into transcript_entries (id, student_id, course_code, term_code, grade, credits)
    select * from unnest(${ids}::uuid[], ${rows.students}::uuid[], ${rows.courses}::text[],
      ${rows.terms}::text[], ${rows.grades}::text[], ${rows.credits}::numeric[])`.execute(tx);
}

/** The latest graded term: the latest past term that ended before the seed date. */
function lastGradedTerm(past: readonly Term[], now: Date): string {
  const today = now.toISOString().slice(0, 10);
  const ordered = [...past].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const ended = ordered.filter((t) => t.endsOn < today);
  const latest = ended.at(-1);
  if (latest) return latest.code;
  if (!ordered[0]) throw new Error('The demo records need the terms before the current one.');
  return previousTermCode(ordered[0].code);
}

// ---------------------------------------------------------------- holds

type HoldType = 'academic' | 'financial' | 'advising' | 'disciplinary' | 'administrative';

const HOLD_KINDS: ReadonlyArray<{
  type: HoldType;
  weight: number;
  /** Share of this kind that blocks registration. */
  blocking: number;
  reasons: string[];
  liftNotes: string[];
}> = [
  {
    type: 'financial',
    weight: 40,
    blocking: 0.95,
    reasons: [
      'Unpaid tuition balance from a previous term',
      'Returned payment: the bank declined an electronic check',
      'Library fines and an unreturned laptop past the billing date',
      'Housing charges past due',
    ],
    liftNotes: ['Balance paid in full', 'Payment plan signed with the Bursar', 'Charge waived'],
  },
  {
    type: 'advising',
    weight: 25,
    blocking: 0.9,
    reasons: [
      'Meet your advisor before registering: degree plan review',
      'Advising required after a change of major',
      'First-year advising appointment not yet held',
    ],
    liftNotes: ['Met with advisor; plan approved', 'Advising appointment completed'],
  },
  {
    type: 'academic',
    weight: 15,
    blocking: 0.8,
    reasons: [
      'Academic probation: GPA below 2.0, success plan required',
      'Academic standing review after a term with several failing grades',
    ],
    liftNotes: ['Success plan filed with the Dean of Students', 'Standing restored after review'],
  },
  {
    type: 'administrative',
    weight: 15,
    blocking: 0.5,
    reasons: [
      'Immunization records missing (Health Center)',
      'Official high school transcript not received',
      'Verify your mailing address and emergency contact',
      'Proof of residency requested for in-state tuition',
    ],
    liftNotes: ['Documents received', 'Record updated by the student'],
  },
  {
    type: 'disciplinary',
    weight: 5,
    blocking: 1,
    reasons: ['Conduct hearing pending (Office of Student Conduct)'],
    liftNotes: ['Conduct case resolved'],
  },
];

interface HoldRows {
  ids: string[];
  students: string[];
  types: HoldType[];
  reasons: string[];
  blocks: boolean[];
  placedBy: string[];
  placedAt: string[];
  liftedBy: Array<string | null>;
  liftedAt: Array<string | null>;
  liftNotes: Array<string | null>;
}

function drawHolds(
  students: readonly StudentRow[],
  random: Random,
  options: SeedDemoRecordsOptions,
): HoldRows {
  const rows: HoldRows = {
    ids: [],
    students: [],
    types: [],
    reasons: [],
    blocks: [],
    placedBy: [],
    placedAt: [],
    liftedBy: [],
    liftedAt: [],
    liftNotes: [],
  };
  const totalWeight = HOLD_KINDS.reduce((sum, kind) => sum + kind.weight, 0);
  const now = options.now.getTime();
  for (const student of students) {
    if (student.id === options.showcaseStudentId || !random.chance(HOLD_RATE)) continue;
    let roll = random.next() * totalWeight;
    const kind = HOLD_KINDS.find((k) => (roll -= k.weight) < 0) ?? HOLD_KINDS[0]!;
    const lifted = random.chance(LIFTED_HOLD_SHARE);
    // Advising holds are the advisor's; the Registrar's office places the rest.
    const placer =
      kind.type === 'advising' && student.advisorId ? student.advisorId : options.adminId;
    const placedAt = now - random.int(lifted ? 60 : 3, lifted ? 400 : 120) * DAY_MS;
    rows.ids.push(newId());
    rows.students.push(student.id);
    rows.types.push(kind.type);
    rows.reasons.push(random.pick(kind.reasons));
    rows.blocks.push(random.chance(kind.blocking));
    rows.placedBy.push(placer);
    rows.placedAt.push(new Date(placedAt).toISOString());
    rows.liftedBy.push(lifted ? placer : null);
    rows.liftedAt.push(
      lifted ? new Date(placedAt + random.int(2, 45) * DAY_MS).toISOString() : null,
    );
    rows.liftNotes.push(lifted ? random.pick(kind.liftNotes) : null);
  }
  return rows;
}

// ---------------------------------------------------------------- time tickets

/**
 * The registrar's usual priority: graduate students and seniors when registration opens, then a
 * day per band of credits earned, freshmen last, five days after the opening.
 */
export function demoTicketRules(registrationOpensAt: Date): TimeTicketRuleRecord[] {
  const day = (n: number) => new Date(registrationOpensAt.getTime() + n * DAY_MS);
  return [
    { minCreditsEarned: null, classStanding: 'graduate', opensAt: day(0) },
    { minCreditsEarned: 90, classStanding: null, opensAt: day(0) },
    { minCreditsEarned: 60, classStanding: null, opensAt: day(1) },
    { minCreditsEarned: 45, classStanding: null, opensAt: day(2) },
    { minCreditsEarned: 30, classStanding: null, opensAt: day(3) },
    { minCreditsEarned: 15, classStanding: null, opensAt: day(4) },
    { minCreditsEarned: null, classStanding: 'freshman', opensAt: day(5) },
  ];
}

// ---------------------------------------------------------------- the seed

/**
 * Loads transcripts, holds and time tickets in one transaction (all or nothing), in set-based
 * batches: one INSERT … SELECT FROM unnest(…) per few thousand rows.
 */
export async function seedDemoRecords(
  db: Kysely<DB>,
  options: SeedDemoRecordsOptions,
): Promise<DemoRecords> {
  const random = createRandom(SEED);
  const courses = await loadCourses(db);
  const studentRows = await db
    .selectFrom('students')
    .select(['user_id', 'program_code', 'class_standing', 'credits_earned', 'advisor_id'])
    .orderBy('student_number')
    .execute();
  const students: StudentRow[] = studentRows.map((s) => ({
    id: s.user_id,
    program: s.program_code,
    standing: s.class_standing,
    creditsEarned: Number(s.credits_earned),
    advisorId: s.advisor_id,
  }));
  const writer = new TranscriptWriter(
    courses,
    random,
    lastGradedTerm(options.terms.past, options.now),
  );
  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: '  Demo records {bar} {value}/{total} students',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(students.length, 0);
  try {
    const result = await db.transaction().execute(async (tx) => {
      // Checking every row's student one by one costs more than writing the rows: the foreign
      // key goes for the load and comes back checked in one join (PostgreSQL's own advice for
      // populating a database). Inside the transaction, so a failed load restores it too.
      const foreignKeys = await sql<{ name: string; definition: string }>`
        select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = 'transcript_entries'::regclass and contype = 'f'
        order by conname`.execute(tx);
      for (const fk of foreignKeys.rows) {
        await sql`alter table transcript_entries drop constraint ${sql.id(fk.name)}`.execute(tx);
      }
      let transcriptEntries = 0;
      let rows = emptyRows();
      for (let start = 0; start < students.length; start += STUDENT_BATCH) {
        const batch = students.slice(start, start + STUDENT_BATCH);
        for (const student of batch) {
          for (const entry of writer.transcriptOf(student)) {
            rows.students.push(student.id);
            rows.courses.push(entry.courseCode);
            rows.terms.push(entry.termCode);
            rows.grades.push(entry.grade);
            rows.credits.push(entry.credits);
          }
          if (rows.students.length >= INSERT_BATCH) {
            transcriptEntries += rows.students.length;
            await insertTranscriptRows(tx, rows);
            rows = emptyRows();
          }
        }
        bar?.increment(batch.length);
      }
      transcriptEntries += rows.students.length;
      await insertTranscriptRows(tx, rows);
      for (const fk of foreignKeys.rows) {
        await sql`alter table transcript_entries
          add constraint ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(tx);
      }

      const holds = drawHolds(students, random, options);
      if (holds.ids.length > 0) {
        await sql`
          insert into holds (id, student_id, type, reason, blocks_registration, placed_by,
            placed_at, lifted_by, lifted_at, lift_note)
          select * from unnest(${holds.ids}::uuid[], ${holds.students}::uuid[],
            ${holds.types}::text[], ${holds.reasons}::text[], ${holds.blocks}::boolean[],
            ${holds.placedBy}::uuid[], ${holds.placedAt}::timestamptz[],
            ${holds.liftedBy}::uuid[], ${holds.liftedAt}::timestamptz[],
            ${holds.liftNotes}::text[])`.execute(tx);
      }

      let ticketRules = 0;
      const overrides = students
        .filter((s) => s.id !== options.showcaseStudentId && random.chance(TICKET_OVERRIDE_RATE))
        .map((s) => s.id);
      for (const term of options.terms.open) {
        const opensAt = new Date(term.registrationOpensAt);
        const rules = demoTicketRules(opensAt);
        await replaceTimeTicketRules(tx, term.id, rules);
        ticketRules += rules.length;
        // Their own ticket: the first moment registration opens, with the graduate students.
        if (overrides.length > 0) {
          await sql`
            insert into student_terms (student_id, term_id, opens_at)
            select s, ${term.id}::uuid, ${opensAt.toISOString()}::timestamptz
            from unnest(${overrides}::uuid[]) as s
            on conflict (student_id, term_id) do update set opens_at = excluded.opens_at,
              version = student_terms.version + 1`.execute(tx);
        }
      }
      return {
        transcriptEntries,
        holds: holds.ids.length,
        activeHolds: holds.liftedAt.filter((at) => at === null).length,
        ticketRules,
        ticketOverrides: overrides.length * options.terms.open.length,
      };
    });
    // Planner statistics for the freshly loaded tables, so the first registrations plan well.
    await sql`analyze transcript_entries`.execute(db);
    await sql`analyze holds`.execute(db);
    return result;
  } finally {
    bar?.stop();
  }
}

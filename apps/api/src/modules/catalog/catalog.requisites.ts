// The prerequisite/corequisite expression language: parse, print canonically, describe in words,
// and evaluate against a student's record. Pure functions; no database.
//
// Canonical text (what printRequisite writes and the API stores), for example
//   CS 125 (C) and (CS 173 or MATH 213) and CS 225 [concurrent] or permission: instructor
//
// Atoms
//   CS 125           a course: subject of 2–5 letters, a number that starts with a digit and may
//                    hold X placeholders and one trailing letter (125, 1331, 101L, 1211K, 15X1,
//                    15XX). Codes are compared literally: at Georgia Tech `MATH 15X1` is itself the
//                    transcript code of transfer credit, not a wildcard.
//   CS 125 (C)       a minimum grade, A+ to D-. Without one any passing grade counts (D- or better,
//                    or a pass-type grade P/S/CR/T); pass-type grades never meet an explicit
//                    letter minimum other than D-.
//   CS 225 [concurrent]
//                    may be taken concurrently: a current or in-progress registration satisfies
//                    it. Placed after the grade: `CS 225 (C) [concurrent]`.
//   test: APCS       a placement/AP/exam record (codes as the registrar's data spells them, e.g.
//                    OXMA, APCL, ALEKS, M110); `test: APCS (4)` requires a score of at least 4.
//   standing: junior class standing at least junior (freshman, sophomore, junior, senior, graduate).
//   permission: instructor
//                    permission of the instructor (or `department`), granted as a fact by a permit.
// Operators: `and` binds tighter than `or`; parentheses group. `and`/`or` are case-insensitive;
// `&`, `&&`, `|`, `||` are accepted on input. Subjects and grades are case-insensitive on input
// and uppercase in canonical text; a hyphen or no space between subject and number is accepted
// (`COMP-131`, `cs125`).
//
// Nothing unknown passes silently: an unknown keyword, grade, standing or permission is a syntax
// error, and an unknown transcript grade never satisfies a course.
import { AppError } from '../../http/errors.ts';

export const MINIMUM_GRADES = [
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
] as const;
export type MinimumGrade = (typeof MINIMUM_GRADES)[number];

/** Transcript grades that pass without a letter: they meet the default minimum (D-) only. */
export const PASS_GRADES = ['P', 'S', 'CR', 'T'] as const;
/** Transcript grades that never satisfy a requirement (listed for documentation and UIs). */
export const FAILING_GRADES = ['F', 'W', 'I', 'NP', 'U', 'NC'] as const;

export const CLASS_STANDINGS = ['freshman', 'sophomore', 'junior', 'senior', 'graduate'] as const;
export type ClassStanding = (typeof CLASS_STANDINGS)[number];

export const REQUISITE_PERMISSIONS = ['instructor', 'department'] as const;
export type RequisitePermission = (typeof REQUISITE_PERMISSIONS)[number];

export interface CourseRequirement {
  kind: 'course';
  /** Uppercase letters, e.g. `CS`. */
  subject: string;
  /** Uppercase, e.g. `125`, `101L`, `15X1`. */
  number: string;
  minGrade: MinimumGrade | null;
  concurrent: boolean;
}
export interface TestRequirement {
  kind: 'test';
  code: string;
  minScore: number | null;
}
export interface StandingRequirement {
  kind: 'standing';
  standing: ClassStanding;
}
export interface PermissionRequirement {
  kind: 'permission';
  permission: RequisitePermission;
}
export interface AllOf {
  kind: 'and';
  items: RequisiteExpr[];
}
export interface AnyOf {
  kind: 'or';
  items: RequisiteExpr[];
}
export type RequisiteAtom =
  CourseRequirement | TestRequirement | StandingRequirement | PermissionRequirement;
export type RequisiteExpr = RequisiteAtom | AllOf | AnyOf;

const MAX_TEXT_LENGTH = 8000;
const MAX_DEPTH = 40;

/** A 400 that says where the text went wrong; `position` is a 0-based index into the text. */
export class RequisiteSyntaxError extends AppError {
  readonly position: number;
  constructor(message: string, position: number) {
    super(400, 'invalid_requisite', message, {
      errors: [{ code: 'invalid_requisite', message, position }],
      extra: { position },
    });
    this.position = position;
  }
}

// ---------------------------------------------------------------------------------------------
// Course codes and grades

const NUMBER_RE = /^[0-9][0-9X]{0,5}[A-Z]?$/;
const TEST_CODE_RE = /^[A-Z0-9][A-Z0-9_-]{0,15}$/;

export function formatCourseCode(course: { subject: string; number: string }): string {
  return `${course.subject} ${course.number}`;
}

/**
 * `cs-125`, ` CS  125 `, `cs125` → `CS 125`; undefined when the text is not a course code.
 * Transcripts and registrations are matched through this, so spelling differences do not matter.
 */
export function normalizeCourseCode(text: string): string | undefined {
  const match = /^\s*([A-Za-z]{2,5})(?:\s+|-)?([0-9][0-9Xx]{0,5}[A-Za-z]?)\s*$/.exec(text);
  if (!match) return undefined;
  return `${match[1]!.toUpperCase()} ${match[2]!.toUpperCase()}`;
}

function isMinimumGrade(text: string): text is MinimumGrade {
  return (MINIMUM_GRADES as readonly string[]).includes(text);
}

/** Rank in MINIMUM_GRADES order reversed: D- is 0, A+ is 11; -1 for anything else. */
function letterRank(grade: string): number {
  const index = (MINIMUM_GRADES as readonly string[]).indexOf(grade);
  return index < 0 ? -1 : MINIMUM_GRADES.length - 1 - index;
}

/** Whether a transcript grade meets a minimum (null = default minimum, D-). */
export function gradeMeetsMinimum(grade: string, minimum: MinimumGrade | null): boolean {
  const g = grade.trim().toUpperCase();
  const required = letterRank(minimum ?? 'D-');
  const rank = letterRank(g);
  if (rank >= 0) return rank >= required;
  if ((PASS_GRADES as readonly string[]).includes(g)) return required === 0;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Parsing

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parseAll(): RequisiteExpr {
    this.skipSpace();
    if (this.pos >= this.text.length) {
      throw this.error('the requirement is empty: expected a course code such as "CS 125"');
    }
    const expr = this.parseOr();
    this.skipSpace();
    if (this.pos < this.text.length) {
      if (this.text[this.pos] === ')') throw this.error('unexpected ")" with no matching "("');
      throw this.error(`expected "and", "or" or the end of the text, found ${this.found()}`);
    }
    return expr;
  }

  private parseOr(): RequisiteExpr {
    const items = [this.parseAnd()];
    while (this.operator('or')) items.push(this.parseAnd());
    return items.length === 1 ? items[0]! : { kind: 'or', items: items.flatMap(flattenInto('or')) };
  }

  private parseAnd(): RequisiteExpr {
    const items = [this.parseUnary()];
    while (this.operator('and')) items.push(this.parseUnary());
    return items.length === 1
      ? items[0]!
      : { kind: 'and', items: items.flatMap(flattenInto('and')) };
  }

  private parseUnary(): RequisiteExpr {
    this.skipSpace();
    if (this.pos >= this.text.length) {
      throw this.error('unexpected end of text: expected a course code or "("');
    }
    if (this.text[this.pos] === '(') {
      const open = this.pos;
      this.pos++;
      if (++this.depth > MAX_DEPTH) throw this.error('too many nested parentheses');
      this.skipSpace();
      if (this.text[this.pos] === ')')
        throw this.error('empty parentheses: expected a course code');
      const inner = this.parseOr();
      this.skipSpace();
      if (this.text[this.pos] !== ')') {
        if (this.pos >= this.text.length) {
          throw this.error(`missing ")" to close the "(" at position ${open}`);
        }
        throw this.error(`expected "and", "or" or ")", found ${this.found()}`);
      }
      this.pos++;
      this.depth--;
      return inner;
    }
    return this.parseAtom();
  }

  private parseAtom(): RequisiteExpr {
    const start = this.pos;
    const keyword = /^(test|standing|permission)\s*:/i.exec(this.text.slice(start));
    if (keyword) {
      this.pos += keyword[0].length;
      this.skipSpace();
      const valueStart = this.pos;
      const value = this.word(/[A-Za-z0-9_-]/);
      const kind = keyword[1]!.toLowerCase();
      if (!value) {
        this.pos = valueStart;
        throw this.error(`expected a ${kind === 'test' ? 'test code' : kind} after "${kind}:"`);
      }
      if (kind === 'test') {
        const code = value.toUpperCase();
        if (!TEST_CODE_RE.test(code)) {
          this.pos = valueStart;
          throw this.error(`"${value}" is not a test code (letters and digits, at most 16)`);
        }
        return { kind: 'test', code, minScore: this.optionalScore() };
      }
      const lower = value.toLowerCase();
      if (kind === 'standing') {
        const standing = lower === 'frosh' || lower === 'first-year' ? 'freshman' : lower;
        if (!(CLASS_STANDINGS as readonly string[]).includes(standing)) {
          this.pos = valueStart;
          throw this.error(`unknown class standing "${value}" (use ${CLASS_STANDINGS.join(', ')})`);
        }
        return { kind: 'standing', standing: standing as ClassStanding };
      }
      if (!(REQUISITE_PERMISSIONS as readonly string[]).includes(lower)) {
        this.pos = valueStart;
        throw this.error(
          `unknown permission "${value}" (use ${REQUISITE_PERMISSIONS.join(' or ')})`,
        );
      }
      return { kind: 'permission', permission: lower as RequisitePermission };
    }

    const subject = this.word(/[A-Za-z]/);
    if (!subject) {
      throw this.error(`expected a course code such as "CS 125", found ${this.found()}`);
    }
    if (subject.length < 2 || subject.length > 5) {
      this.pos = start;
      throw this.error(`"${subject}" is not a subject: subjects have 2 to 5 letters`);
    }
    if (this.text[this.pos] === '-') this.pos++;
    else this.skipSpace();
    const numberStart = this.pos;
    const number = this.word(/[A-Za-z0-9]/).toUpperCase();
    if (!number || !NUMBER_RE.test(number)) {
      if (/^(and|or)$/i.test(subject)) {
        // More likely a doubled operator than a course in subject OR or AND.
        this.pos = start;
        throw this.error(`expected a course code such as "CS 125", found "${subject}"`);
      }
    }
    if (!number) {
      throw this.error(`expected a course number after "${subject.toUpperCase()}"`);
    }
    if (!NUMBER_RE.test(number)) {
      this.pos = numberStart;
      throw this.error(
        `"${number}" is not a course number (digits, X placeholders, one trailing letter)`,
      );
    }
    const course: CourseRequirement = {
      kind: 'course',
      subject: subject.toUpperCase(),
      number,
      minGrade: this.optionalGrade(),
      concurrent: false,
    };
    this.skipSpace();
    if (this.text[this.pos] === '[') {
      const markerStart = this.pos;
      const marker = /^\[\s*concurrent\s*\]/i.exec(this.text.slice(this.pos));
      if (!marker) throw this.error('expected "[concurrent]"');
      this.pos = markerStart + marker[0].length;
      course.concurrent = true;
    }
    return course;
  }

  private optionalGrade(): MinimumGrade | null {
    const inner = this.optionalParenthesized('a minimum grade');
    if (inner === undefined) return null;
    const grade = inner.text.toUpperCase();
    if (!isMinimumGrade(grade)) {
      this.pos = inner.start;
      const hint = /\d/.test(inner.text) ? '; put "and" or "or" before a group in parentheses' : '';
      throw this.error(`"${inner.text}" is not a minimum grade (use A+ to D-${hint})`);
    }
    this.pos = inner.end;
    return grade;
  }

  private optionalScore(): number | null {
    const inner = this.optionalParenthesized('a minimum score');
    if (inner === undefined) return null;
    if (!/^\d{1,6}(\.\d{1,3})?$/.test(inner.text)) {
      this.pos = inner.start;
      throw this.error(`"${inner.text}" is not a score (a number such as 4 or 650)`);
    }
    this.pos = inner.end;
    return Number(inner.text);
  }

  /** `(x)` right after an atom; returns its trimmed content and where to continue. */
  private optionalParenthesized(
    what: string,
  ): { text: string; start: number; end: number } | undefined {
    const save = this.pos;
    this.skipSpace();
    if (this.text[this.pos] !== '(') {
      this.pos = save;
      return undefined;
    }
    const close = this.text.indexOf(')', this.pos);
    let start = this.pos + 1;
    while (start < this.text.length && /\s/.test(this.text[start]!)) start++;
    if (close < 0) {
      this.pos = start;
      throw this.error(`missing ")" after ${what}`);
    }
    const raw = this.text.slice(start, close);
    const content = raw.trimEnd();
    if (!content) {
      this.pos = start;
      throw this.error(`expected ${what} inside the parentheses`);
    }
    return { text: content, start, end: close + 1 };
  }

  /** Consumes `and`/`or` (or their symbols) if next; keywords need a word boundary. */
  private operator(op: 'and' | 'or'): boolean {
    const save = this.pos;
    this.skipSpace();
    const rest = this.text.slice(this.pos);
    const match =
      op === 'and'
        ? /^(and(?![A-Za-z0-9])|&&?)/i.exec(rest)
        : /^(or(?![A-Za-z0-9])|\|\|?)/i.exec(rest);
    if (!match) {
      this.pos = save;
      return false;
    }
    this.pos += match[0].length;
    return true;
  }

  private word(char: RegExp): string {
    const start = this.pos;
    while (this.pos < this.text.length && char.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private found(): string {
    if (this.pos >= this.text.length) return 'the end of the text';
    const token = /^[A-Za-z0-9+-]+|^./.exec(this.text.slice(this.pos))![0];
    return `"${token}"`;
  }

  private error(message: string): RequisiteSyntaxError {
    return new RequisiteSyntaxError(`At position ${this.pos}: ${message}.`, this.pos);
  }
}

function flattenInto(kind: 'and' | 'or') {
  return (item: RequisiteExpr): RequisiteExpr[] => (item.kind === kind ? item.items : [item]);
}

/** Parses a requirement; throws RequisiteSyntaxError (a 400) that points at the position. */
export function parseRequisite(text: string): RequisiteExpr {
  if (text.length > MAX_TEXT_LENGTH) {
    throw new RequisiteSyntaxError(
      `At position ${MAX_TEXT_LENGTH}: the requirement is too long (at most ${MAX_TEXT_LENGTH} characters).`,
      MAX_TEXT_LENGTH,
    );
  }
  return new Parser(text).parseAll();
}

/** Blank or null means "no requirement". */
export function parseOptionalRequisite(text: string | null | undefined): RequisiteExpr | null {
  if (text == null || text.trim() === '') return null;
  return parseRequisite(text);
}

const REMEMBERED_REQUISITES = 5_000;
const rememberedRequisites = new Map<string, RequisiteExpr | RequisiteSyntaxError>();

/**
 * parseOptionalRequisite for the registration engine, which reads the same few thousand course
 * requirements on every request: each text is parsed once per process (parsing was about 2% of
 * the API's CPU in the rush). Parsed expressions are never changed by their readers
 * (normalizeRequisite builds new ones), so one can be shared.
 */
export function parseOptionalRequisiteRemembered(
  text: string | null | undefined,
): RequisiteExpr | null {
  if (text == null || text.trim() === '') return null;
  let parsed = rememberedRequisites.get(text);
  if (parsed === undefined) {
    try {
      parsed = parseRequisite(text);
    } catch (error) {
      if (!(error instanceof RequisiteSyntaxError)) throw error;
      parsed = error;
    }
    if (rememberedRequisites.size >= REMEMBERED_REQUISITES) rememberedRequisites.clear();
    rememberedRequisites.set(text, parsed);
  }
  if (parsed instanceof RequisiteSyntaxError) throw parsed;
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Normalizing and printing

/**
 * The shape parse(print(e)) returns: nested and-in-and / or-in-or flattened and one-item groups
 * replaced by their item. Throws on an empty group, which has no text form.
 */
export function normalizeRequisite(expr: RequisiteExpr): RequisiteExpr {
  switch (expr.kind) {
    case 'course':
      return { ...expr };
    case 'test':
      return { ...expr };
    case 'standing':
      return { ...expr };
    case 'permission':
      return { ...expr };
    case 'and':
    case 'or': {
      if (expr.items.length === 0) throw new Error(`An empty "${expr.kind}" group has no meaning`);
      const items = expr.items.map(normalizeRequisite).flatMap(flattenInto(expr.kind));
      return items.length === 1 ? items[0]! : { kind: expr.kind, items };
    }
  }
}

function printAtom(atom: RequisiteAtom): string {
  switch (atom.kind) {
    case 'course':
      return (
        formatCourseCode(atom) +
        (atom.minGrade ? ` (${atom.minGrade})` : '') +
        (atom.concurrent ? ' [concurrent]' : '')
      );
    case 'test':
      return `test: ${atom.code}${atom.minScore === null ? '' : ` (${String(atom.minScore)})`}`;
    case 'standing':
      return `standing: ${atom.standing}`;
    case 'permission':
      return `permission: ${atom.permission}`;
  }
}

function printNormalized(expr: RequisiteExpr): string {
  if (expr.kind === 'and') {
    return expr.items
      .map((item) => (item.kind === 'or' ? `(${printNormalized(item)})` : printNormalized(item)))
      .join(' and ');
  }
  if (expr.kind === 'or') return expr.items.map(printNormalized).join(' or ');
  return printAtom(expr);
}

/** Canonical text: minimal parentheses, single spaces, uppercase codes, lowercase operators. */
export function printRequisite(expr: RequisiteExpr): string {
  return printNormalized(normalizeRequisite(expr));
}

// ---------------------------------------------------------------------------------------------
// Words for people

function gradeWords(grade: MinimumGrade): string {
  return `${grade} or better`;
}

/** Short label of one atom, used in `missing`: `CS 173 (C or better)`. */
export function labelRequisiteAtom(atom: RequisiteAtom): string {
  switch (atom.kind) {
    case 'course': {
      const notes = [
        ...(atom.minGrade ? [gradeWords(atom.minGrade)] : []),
        ...(atom.concurrent ? ['may be taken concurrently'] : []),
      ];
      return formatCourseCode(atom) + (notes.length ? ` (${notes.join('; ')})` : '');
    }
    case 'test':
      return `${atom.code} test${atom.minScore === null ? '' : ` (score ${String(atom.minScore)} or higher)`}`;
    case 'standing':
      return atom.standing === 'graduate'
        ? 'graduate standing'
        : `${atom.standing} standing or higher`;
    case 'permission':
      return `${atom.permission} permission`;
  }
}

function labelExpr(expr: RequisiteExpr, nested: boolean): string {
  if (expr.kind !== 'and' && expr.kind !== 'or') return labelRequisiteAtom(expr);
  const text = expr.items.map((item) => labelExpr(item, true)).join(` ${expr.kind} `);
  return nested ? `(${text})` : text;
}

function atomWords(atom: RequisiteAtom): string {
  switch (atom.kind) {
    case 'course':
      return (
        formatCourseCode(atom) +
        (atom.minGrade ? ` with ${gradeWords(atom.minGrade)}` : '') +
        (atom.concurrent ? ' (may be taken concurrently)' : '')
      );
    case 'test':
      return atom.minScore === null
        ? `the ${atom.code} test`
        : `a score of at least ${String(atom.minScore)} on the ${atom.code} test`;
    case 'standing':
      return `${atom.standing} standing`;
    case 'permission':
      return `${atom.permission} permission`;
  }
}

function list(items: string[], conjunction: 'and' | 'or', compound = false): string {
  if (items.length === 2) {
    return `${items[0]!}${compound ? ',' : ''} ${conjunction} ${items[1]!}`;
  }
  return `${items.slice(0, -1).join(', ')}, ${conjunction} ${items.at(-1)!}`;
}

function describeNormalized(expr: RequisiteExpr, depth: number): string {
  if (expr.kind !== 'and' && expr.kind !== 'or') return atomWords(expr);
  const parts = expr.items.map((item) => describeNormalized(item, depth + 1));
  // Children deeper than one level come back in parentheses; others need a comma to read well.
  const compound =
    depth === 0 && expr.items.some((item) => item.kind === 'and' || item.kind === 'or');
  let text: string;
  if (expr.kind === 'and') {
    if (depth === 0) text = list(parts, 'and', compound);
    else text = `${parts.length === 2 ? 'both' : 'all of'} ${list(parts, 'and', compound)}`;
  } else {
    text = `${parts.length === 2 ? 'either' : 'one of'} ${list(parts, 'or', compound)}`;
  }
  return depth >= 2 ? `(${text})` : text;
}

/** Readable words for the web: "CS 125 with C or better, and either CS 173 or MATH 213". */
export function describeRequisite(expr: RequisiteExpr): string {
  return describeNormalized(normalizeRequisite(expr), 0);
}

/** Distinct course codes the expression mentions, in order of first appearance. */
export function coursesIn(expr: RequisiteExpr): string[] {
  const seen = new Set<string>();
  const visit = (e: RequisiteExpr): void => {
    if (e.kind === 'and' || e.kind === 'or') e.items.forEach(visit);
    else if (e.kind === 'course') seen.add(formatCourseCode(e));
  };
  visit(expr);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface RequisiteFacts {
  /** The transcript: every attempt; any attempt that meets the minimum counts. */
  completed: readonly { course: string; grade: string }[];
  /** Courses in progress or registered in the term being checked (no grade yet). */
  inProgress?: readonly string[];
  tests?: readonly { code: string; score?: number | null }[];
  standing?: ClassStanding | null;
  /** Permissions granted for this course/section, e.g. by an instructor's permit. */
  permissions?: readonly RequisitePermission[];
}

export interface RequisiteEvaluation {
  satisfied: boolean;
  /** Human-readable unmet requirements, e.g. `CS 173 (C or better)`, `CS 173 or MATH 213`. */
  missing: string[];
}

export interface EvaluateOptions {
  /**
   * `prerequisite` (default): in-progress courses satisfy only atoms marked [concurrent].
   * `corequisite`: in-progress courses satisfy every course atom (taken together is the point).
   */
  mode?: 'prerequisite' | 'corequisite';
}

interface IndexedFacts {
  grades: Map<string, string[]>;
  inProgress: Set<string>;
  tests: Map<string, (number | null)[]>;
  standing: number;
  permissions: Set<string>;
  corequisite: boolean;
}

function indexFacts(facts: RequisiteFacts, options: EvaluateOptions): IndexedFacts {
  const grades = new Map<string, string[]>();
  for (const entry of facts.completed) {
    const code = normalizeCourseCode(entry.course);
    if (code === undefined) continue;
    const list = grades.get(code) ?? [];
    list.push(entry.grade);
    grades.set(code, list);
  }
  const tests = new Map<string, (number | null)[]>();
  for (const test of facts.tests ?? []) {
    const code = test.code.trim().toUpperCase();
    const list = tests.get(code) ?? [];
    list.push(test.score ?? null);
    tests.set(code, list);
  }
  return {
    grades,
    inProgress: new Set((facts.inProgress ?? []).flatMap((c) => normalizeCourseCode(c) ?? [])),
    tests,
    standing: facts.standing ? CLASS_STANDINGS.indexOf(facts.standing) : -1,
    permissions: new Set(facts.permissions ?? []),
    corequisite: options.mode === 'corequisite',
  };
}

function atomSatisfied(atom: RequisiteAtom, facts: IndexedFacts): boolean {
  switch (atom.kind) {
    case 'course': {
      const code = formatCourseCode(atom);
      if ((facts.grades.get(code) ?? []).some((g) => gradeMeetsMinimum(g, atom.minGrade))) {
        return true;
      }
      return (atom.concurrent || facts.corequisite) && facts.inProgress.has(code);
    }
    case 'test':
      return (facts.tests.get(atom.code) ?? []).some(
        (score) => atom.minScore === null || (score !== null && score >= atom.minScore),
      );
    case 'standing':
      return facts.standing >= CLASS_STANDINGS.indexOf(atom.standing);
    case 'permission':
      return facts.permissions.has(atom.permission);
  }
}

function evaluateIndexed(expr: RequisiteExpr, facts: IndexedFacts): RequisiteEvaluation {
  if (expr.kind === 'and') {
    const results = expr.items.map((item) => evaluateIndexed(item, facts));
    return {
      satisfied: results.every((r) => r.satisfied),
      missing: [...new Set(results.flatMap((r) => r.missing))],
    };
  }
  if (expr.kind === 'or') {
    const satisfied = expr.items.some((item) => evaluateIndexed(item, facts).satisfied);
    return { satisfied, missing: satisfied ? [] : [labelExpr(expr, false)] };
  }
  const satisfied = atomSatisfied(expr, facts);
  return { satisfied, missing: satisfied ? [] : [labelRequisiteAtom(expr)] };
}

/** Whether the facts meet the requirement, and what is missing (empty when satisfied). */
export function evaluateRequisite(
  expr: RequisiteExpr,
  facts: RequisiteFacts,
  options: EvaluateOptions = {},
): RequisiteEvaluation {
  return evaluateIndexed(normalizeRequisite(expr), indexFacts(facts, options));
}

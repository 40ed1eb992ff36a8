// Converts the structured prerequisite trees of real catalogs (Georgia Tech's gt-scheduler crawler,
// QuACS as used by Occidental) into RequisiteExpr, for the importers. Input is untrusted JSON:
// anything outside the documented shapes is refused with the path to the offending node.
import type { CourseRequirement, MinimumGrade, RequisiteExpr } from './catalog.requisites.ts';

export class RequisiteConversionError extends Error {
  /** JSON-pointer-like path inside the tree, e.g. `/2/1/id`. */
  readonly path: string;
  constructor(message: string, path: string) {
    super(`${message} at ${path || '/'}`);
    this.name = 'RequisiteConversionError';
    this.path = path;
  }
}

const COURSE_CODE = /^([A-Z]{2,5})[ -]([0-9][0-9X]{0,5}[A-Z]?)$/;
const TEST_CODE = /^[A-Z0-9][A-Z0-9_-]{0,15}$/;

function courseFromCode(code: string, minGrade: MinimumGrade | null): CourseRequirement | null {
  const match = COURSE_CODE.exec(code);
  if (!match) return null;
  return { kind: 'course', subject: match[1]!, number: match[2]!, minGrade, concurrent: false };
}

function group(kind: 'and' | 'or', items: RequisiteExpr[]): RequisiteExpr {
  const flat = items.flatMap((item) => (item.kind === kind ? item.items : [item]));
  return flat.length === 1 ? flat[0]! : { kind, items: flat };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- Georgia Tech (gt-scheduler crawler, src/types.ts) ----------------------------------------
// Prerequisites = [] | [operator, ...clauses] in prefix order; a clause is either another such
// array or {id: "CS 1331", grade?: "A"|"B"|"C"|"D"|"T"}. Georgia Tech has no +/- grades, so a
// minimum "C" means C or better. "T" is Banner's transfer-credit grade: the requirement is met
// by any credit for the course, which is this language's default minimum (and T on a transcript
// is a pass-type grade). Codes with X (MATH 15X1) are transfer-equivalent codes that appear
// literally on transcripts.

const GATECH_GRADES: Record<string, MinimumGrade | null> = {
  A: 'A',
  B: 'B',
  C: 'C',
  D: 'D',
  T: null,
};

/** A course's gt-scheduler prerequisite tree; null when it has none (`[]`). */
export function fromGatechPrereqs(tree: unknown): RequisiteExpr | null {
  if (!Array.isArray(tree)) throw new RequisiteConversionError('Expected a prerequisite array', '');
  if (tree.length === 0) return null;
  return gatechClause(tree, '');
}

function gatechClause(node: unknown, path: string): RequisiteExpr {
  if (Array.isArray(node)) {
    const [operator, ...clauses] = node as unknown[];
    if (operator !== 'and' && operator !== 'or') {
      throw new RequisiteConversionError(
        `Expected "and" or "or", found ${JSON.stringify(operator)}`,
        `${path}/0`,
      );
    }
    if (clauses.length === 0) {
      throw new RequisiteConversionError(`An "${operator}" with no clauses`, path);
    }
    return group(
      operator,
      clauses.map((clause, i) => gatechClause(clause, `${path}/${i + 1}`)),
    );
  }
  if (!isRecord(node)) {
    throw new RequisiteConversionError('Expected a clause array or a course object', path);
  }
  const { id, grade } = node;
  if (typeof id !== 'string') {
    throw new RequisiteConversionError('A course clause without a string "id"', path);
  }
  let minGrade: MinimumGrade | null = null;
  if (grade !== undefined) {
    if (typeof grade !== 'string' || !(grade in GATECH_GRADES)) {
      throw new RequisiteConversionError(
        `Unknown minimum grade ${JSON.stringify(grade)}`,
        `${path}/grade`,
      );
    }
    minGrade = GATECH_GRADES[grade]!;
  }
  const course = courseFromCode(id, minGrade);
  if (!course) {
    throw new RequisiteConversionError(`"${id}" is not a course code`, `${path}/id`);
  }
  return course;
}

// --- QuACS (Occidental's prerequisites file, keyed by CRN) ------------------------------------
// {type: "course", course: "CHIN 101"} | {type: "and"|"or", nested: [...]}. Banner test
// requirements (placement exams, AP scores) arrive as "course" nodes with a bare code and no
// score (OXMA, APCL, ALEKS, M110): those become `test:` atoms. No minimum grades in this format.

/** A QuACS prerequisite node (the `prerequisites` value of one CRN). */
export function fromQuacsPrereqs(node: unknown): RequisiteExpr {
  return quacsNode(node, '');
}

function quacsNode(node: unknown, path: string): RequisiteExpr {
  if (!isRecord(node)) throw new RequisiteConversionError('Expected an object', path);
  const { type } = node;
  if (type === 'course') {
    const { course } = node;
    if (typeof course !== 'string') {
      throw new RequisiteConversionError('A course node without a string "course"', path);
    }
    const code = course.trim();
    const asCourse = courseFromCode(code, null);
    if (asCourse) return asCourse;
    if (TEST_CODE.test(code)) return { kind: 'test', code, minScore: null };
    throw new RequisiteConversionError(
      `"${course}" is neither a course code nor a test code`,
      `${path}/course`,
    );
  }
  if (type === 'and' || type === 'or') {
    const { nested } = node;
    if (!Array.isArray(nested) || nested.length === 0) {
      throw new RequisiteConversionError(`An "${type}" node without nested nodes`, path);
    }
    return group(
      type,
      nested.map((child, i) => quacsNode(child, `${path}/nested/${i}`)),
    );
  }
  throw new RequisiteConversionError(`Unknown node type ${JSON.stringify(type)}`, `${path}/type`);
}

/**
 * A QuACS `corequisites` list (["COMP-131", "COMP-131"]): every distinct course listed, to be
 * evaluated in corequisite mode. Null for an empty list.
 */
export function fromQuacsCorequisites(list: unknown): RequisiteExpr | null {
  if (!Array.isArray(list)) throw new RequisiteConversionError('Expected an array', '');
  const courses = new Map<string, CourseRequirement>();
  list.forEach((entry, i) => {
    const course = typeof entry === 'string' ? courseFromCode(entry.trim(), null) : null;
    if (!course) {
      throw new RequisiteConversionError(`${JSON.stringify(entry)} is not a course code`, `/${i}`);
    }
    courses.set(`${course.subject} ${course.number}`, course);
  });
  if (courses.size === 0) return null;
  return group('and', [...courses.values()]);
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RequisiteConversionError,
  fromGatechPrereqs,
  fromQuacsCorequisites,
  fromQuacsPrereqs,
} from './catalog.requisites-convert.ts';
import {
  describeRequisite,
  evaluateRequisite,
  parseRequisite,
  printRequisite,
  type RequisiteExpr,
  type RequisiteFacts,
} from './catalog.requisites.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../../../..');
const dataDir = path.resolve(repoRoot, '../shared/data');
const hasData = existsSync(dataDir);
if (!hasData) {
  console.warn(`Skipping the real prerequisite-tree cross-check: ${dataDir} is absent.`);
}

describe('fromGatechPrereqs', () => {
  it('converts prefix trees, grades and transfer codes', () => {
    const tree = [
      'and',
      ['or', { id: 'CS 1331', grade: 'C' }, { id: 'CS 13X1', grade: 'T' }],
      ['or', { id: 'MATH 1552', grade: 'D' }],
      { id: 'BIOS 1107L' },
    ];
    expect(printRequisite(fromGatechPrereqs(tree)!)).toBe(
      '(CS 1331 (C) or CS 13X1) and MATH 1552 (D) and BIOS 1107L',
    );
    expect(fromGatechPrereqs([])).toBeNull();
    expect(fromGatechPrereqs(['or', ['or', { id: 'CS 1', grade: 'B' }]])).toEqual(
      parseRequisite('CS 1 (B)'),
    );
  });

  it.each([
    [['xor', { id: 'CS 1' }], '/0', /"xor"/],
    [['and'], '/', /no clauses/],
    [['or', { id: 'CS 1', grade: 'E' }], '/1/grade', /Unknown minimum grade "E"/],
    [['or', ['and', { id: 'Calculus' }]], '/1/1/id', /not a course code/],
    [['or', 'CS 1'], '/1', /course object/],
    [{ id: 'CS 1' }, '/', /Expected a prerequisite array/],
  ])('refuses %j at %s', (tree, where, message) => {
    const error = (() => {
      try {
        fromGatechPrereqs(tree);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RequisiteConversionError);
    expect((error as RequisiteConversionError).path || '/').toBe(where);
    expect((error as Error).message).toMatch(message);
  });
});

describe('fromQuacsPrereqs', () => {
  it('converts course and test nodes', () => {
    const node = {
      type: 'and',
      nested: [
        {
          type: 'or',
          nested: [
            { type: 'course', course: 'CHIN 101' },
            { type: 'course', course: 'OXCH' },
            { type: 'course', course: 'M110' },
          ],
        },
        { type: 'course', course: 'FYS 12' },
      ],
    };
    expect(printRequisite(fromQuacsPrereqs(node))).toBe(
      '(CHIN 101 or test: OXCH or test: M110) and FYS 12',
    );
  });

  it('refuses unknown node types and codes', () => {
    expect(() => fromQuacsPrereqs({ type: 'not', nested: [] })).toThrow(/Unknown node type "not"/);
    expect(() => fromQuacsPrereqs({ type: 'or', nested: [] })).toThrow(/without nested/);
    expect(() =>
      fromQuacsPrereqs({ type: 'or', nested: [{ type: 'course', course: 'Intro to CS' }] }),
    ).toThrow(/neither a course code nor a test code at \/nested\/0\/course/);
  });

  it('converts corequisite lists to every distinct course', () => {
    expect(printRequisite(fromQuacsCorequisites(['BIO-110', 'BIO-110', 'BIO-110L'])!)).toBe(
      'BIO 110 and BIO 110L',
    );
    expect(fromQuacsCorequisites([])).toBeNull();
    expect(() => fromQuacsCorequisites(['BIO'])).toThrow(/not a course code/);
  });
});

// ---------------------------------------------------------------------------------------------
// Cross-check on the real files: every tree converts, and the converted expression decides the
// same as a direct reading of the original JSON on generated transcripts.

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function seedOf(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

// The reference grade rules, written out independently of the module under test.
const LETTER_POINTS: Record<string, number> = {
  'A+': 12,
  A: 11,
  'A-': 10,
  'B+': 9,
  B: 8,
  'B-': 7,
  'C+': 6,
  C: 5,
  'C-': 4,
  'D+': 3,
  D: 2,
  'D-': 1,
};
const PASS_TYPE = new Set(['P', 'S', 'CR', 'T']);
function passes(grade: string, minimum?: string): boolean {
  if (minimum === undefined || minimum === 'D-') {
    return (LETTER_POINTS[grade] ?? 0) >= 1 || PASS_TYPE.has(grade);
  }
  return (LETTER_POINTS[grade] ?? 0) >= LETTER_POINTS[minimum]!;
}
// Weighted towards real letters, with every failing and pass-type grade and one unknown grade.
const SAMPLE_GRADES = [
  ...Object.keys(LETTER_POINTS),
  ...Object.keys(LETTER_POINTS),
  'F',
  'W',
  'I',
  'NP',
  'U',
  'P',
  'S',
  'CR',
  'T',
  'E',
];

interface Sample {
  transcript: { course: string; grade: string }[];
  inProgress: string[];
  tests: { code: string; score: number }[];
}

/**
 * Transcripts built from the codes a tree mentions (each present with a varying probability,
 * sometimes twice, sometimes only in progress) plus unrelated codes from the same file.
 */
function* samples(
  key: string,
  mentioned: string[],
  pool: string[],
  isTest: (code: string) => boolean,
  count: number,
): Generator<Sample> {
  const rand = prng(seedOf(key));
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)]!;
  for (let n = 0; n < count; n++) {
    const presence = 0.15 + 0.85 * rand();
    const sample: Sample = { transcript: [], inProgress: [], tests: [] };
    for (const code of mentioned) {
      const roll = rand();
      if (roll < presence) {
        if (isTest(code)) sample.tests.push({ code, score: Math.floor(rand() * 6) });
        else {
          sample.transcript.push({ course: code, grade: pick(SAMPLE_GRADES) });
          if (rand() < 0.15) sample.transcript.push({ course: code, grade: pick(SAMPLE_GRADES) });
        }
      } else if (roll < presence + 0.1 && !isTest(code)) {
        sample.inProgress.push(code);
      }
    }
    const unrelated = Math.floor(rand() * 4);
    for (let i = 0; i < unrelated; i++) {
      sample.transcript.push({ course: pick(pool), grade: pick(SAMPLE_GRADES) });
    }
    yield sample;
  }
}

function factsOf(sample: Sample): RequisiteFacts {
  return { completed: sample.transcript, inProgress: sample.inProgress, tests: sample.tests };
}

interface Tally {
  trees: number;
  converted: number;
  failures: string[];
  evaluations: number;
  satisfied: number;
  mismatches: string[];
}
const newTally = (): Tally => ({
  trees: 0,
  converted: 0,
  failures: [],
  evaluations: 0,
  satisfied: 0,
  mismatches: [],
});

/** Converts, checks the canonical text round-trips, and compares decisions on samples. */
function crossCheck(
  tally: Tally,
  key: string,
  convert: () => RequisiteExpr | null,
  reference: (sample: Sample) => boolean,
  mentioned: string[],
  pool: string[],
  isTest: (code: string) => boolean,
  mode: 'prerequisite' | 'corequisite' = 'prerequisite',
): void {
  tally.trees++;
  let expr: RequisiteExpr | null;
  try {
    expr = convert();
  } catch (error) {
    tally.failures.push(`${key}: ${(error as Error).message}`);
    return;
  }
  if (expr === null) {
    tally.failures.push(`${key}: converted to no requirement`);
    return;
  }
  tally.converted++;
  const text = printRequisite(expr);
  expect(parseRequisite(text), `${key}: ${text}`).toEqual(expr);
  expect(describeRequisite(expr).length).toBeGreaterThan(0);
  for (const sample of samples(key, mentioned, pool, isTest, 30)) {
    const expected = reference(sample);
    const result = evaluateRequisite(expr, factsOf(sample), { mode });
    tally.evaluations++;
    if (expected) tally.satisfied++;
    if (result.satisfied !== expected || (result.missing.length === 0) !== expected) {
      tally.mismatches.push(
        `${key}: ${text} with ${JSON.stringify(sample)}: expected ${String(expected)}`,
      );
    }
  }
}

function expectAgreement(label: string, tally: Tally): void {
  console.info(
    `${label}: ${tally.trees} trees, ${tally.converted} converted, ${tally.failures.length} not ` +
      `converted; ${tally.evaluations} evaluations (${tally.satisfied} satisfied), ` +
      `${tally.mismatches.length} disagreements`,
  );
  expect(tally.failures).toEqual([]);
  expect(tally.mismatches.slice(0, 5)).toEqual([]);
  // Both outcomes must be common, or agreement would mean little.
  expect(tally.satisfied).toBeGreaterThan(tally.evaluations * 0.2);
  expect(tally.satisfied).toBeLessThan(tally.evaluations * 0.8);
}

type GatechClause = { id: string; grade?: string } | [string, ...GatechClause[]];

describe.skipIf(!hasData)(
  `real prerequisite trees in ${dataDir}${hasData ? '' : ' (skipped: folder absent)'}`,
  () => {
    it('Georgia Tech 202302: every tree converts and decides like the original', () => {
      const file = JSON.parse(readFileSync(path.join(dataDir, 'gatech/202302.json'), 'utf8')) as {
        courses: Record<string, [string, unknown, GatechClause | [], string | null]>;
      };
      const courses = Object.entries(file.courses);

      const idsOf = (clause: GatechClause | []): string[] =>
        Array.isArray(clause) ? (clause.slice(1) as GatechClause[]).flatMap(idsOf) : [clause.id];
      const referenceHolds = (clause: GatechClause, sample: Sample): boolean => {
        if (Array.isArray(clause)) {
          const [op, ...rest] = clause;
          return op === 'and'
            ? rest.every((c) => referenceHolds(c, sample))
            : rest.some((c) => referenceHolds(c, sample));
        }
        // Minimum "T" (transfer credit) and no grade: any credit for the course.
        const minimum = clause.grade === 'T' ? undefined : clause.grade;
        return sample.transcript.some((t) => t.course === clause.id && passes(t.grade, minimum));
      };

      const pool = [...new Set(courses.flatMap(([code, c]) => [code, ...idsOf(c[2])]))];
      const tally = newTally();
      let empty = 0;
      for (const [code, course] of courses) {
        const tree = course[2];
        if (Array.isArray(tree) && tree.length === 0) {
          expect(fromGatechPrereqs(tree)).toBeNull();
          empty++;
          continue;
        }
        crossCheck(
          tally,
          code,
          () => fromGatechPrereqs(tree),
          (sample) => referenceHolds(tree as GatechClause, sample),
          [...new Set(idsOf(tree))],
          pool,
          () => false,
        );
      }
      console.info(
        `Georgia Tech 202302: ${courses.length} courses, ${empty} without prerequisites`,
      );
      expect(courses.length).toBe(2183);
      expect(tally.trees).toBe(872);
      expectAgreement('Georgia Tech 202302 prerequisites', tally);
    });

    it('Occidental 202401: every prerequisite tree and corequisite list converts and agrees', () => {
      interface QuacsNode {
        type: string;
        course?: string;
        nested?: QuacsNode[];
      }
      const file = JSON.parse(
        readFileSync(path.join(dataDir, 'oxy/202401-prerequisites.json'), 'utf8'),
      ) as Record<string, { prerequisites?: QuacsNode; corequisites?: string[] }>;
      const entries = Object.entries(file);

      // Inventory of node types, so a new type in the data is noticed here first.
      const types = new Map<string, number>();
      const codesOf = (node: QuacsNode): string[] => {
        types.set(node.type, (types.get(node.type) ?? 0) + 1);
        return node.type === 'course' ? [node.course!] : (node.nested ?? []).flatMap(codesOf);
      };
      const allCodes = entries.flatMap(([, v]) =>
        v.prerequisites ? codesOf(v.prerequisites) : [],
      );
      expect(Object.fromEntries(types)).toEqual({ course: 1326, or: 185, and: 60 });

      // The original semantics: a node names a record; the student has it if it is a passed
      // course on the transcript or a test taken, whichever it is.
      const holds = (node: QuacsNode, sample: Sample): boolean => {
        switch (node.type) {
          case 'and':
            return node.nested!.every((n) => holds(n, sample));
          case 'or':
            return node.nested!.some((n) => holds(n, sample));
          case 'course':
            return (
              sample.transcript.some((t) => t.course === node.course && passes(t.grade)) ||
              sample.tests.some((t) => t.code === node.course)
            );
          default:
            throw new Error(`unknown node type ${node.type}`);
        }
      };
      // Placement and AP records have bare codes (OXMA, APCL, M110); courses have a space.
      const isTest = (code: string) => !code.includes(' ');
      const pool = [...new Set(allCodes.filter((c) => !isTest(c)))];

      const prereqs = newTally();
      const coreqs = newTally();
      for (const [crn, value] of entries) {
        const tree = value.prerequisites;
        if (tree) {
          crossCheck(
            prereqs,
            `CRN ${crn}`,
            () => fromQuacsPrereqs(tree),
            (sample) => holds(tree, sample),
            [...new Set(codesOf(tree))],
            pool,
            isTest,
          );
        }
        const list = value.corequisites;
        if (list) {
          // Listed as "BIO-110"; in progress counts, as does having passed it before.
          const codes = [...new Set(list.map((c) => c.replace('-', ' ')))];
          crossCheck(
            coreqs,
            `CRN ${crn} corequisites`,
            () => fromQuacsCorequisites(list),
            (sample) =>
              codes.every(
                (code) =>
                  sample.inProgress.includes(code) ||
                  sample.transcript.some((t) => t.course === code && passes(t.grade)),
              ),
            codes,
            pool,
            () => false,
            'corequisite',
          );
        }
      }
      console.info(`Occidental 202401: ${entries.length} CRNs in the prerequisites file`);
      expect(entries.length).toBe(819);
      expect(prereqs.trees).toBe(263);
      expect(coreqs.trees).toBe(148);
      expectAgreement('Occidental 202401 prerequisites', prereqs);
      expectAgreement('Occidental 202401 corequisites', coreqs);
    });
  },
);

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLASS_STANDINGS,
  MINIMUM_GRADES,
  REQUISITE_PERMISSIONS,
  RequisiteSyntaxError,
  coursesIn,
  describeRequisite,
  evaluateRequisite,
  gradeMeetsMinimum,
  normalizeCourseCode,
  normalizeRequisite,
  parseOptionalRequisite,
  parseOptionalRequisiteRemembered,
  parseRequisite,
  printRequisite,
  type MinimumGrade,
  type RequisiteExpr,
  type RequisiteFacts,
} from './catalog.requisites.ts';

const course = (
  code: string,
  minGrade: MinimumGrade | null = null,
  concurrent = false,
): RequisiteExpr => {
  const [subject, number] = code.split(' ') as [string, string];
  return { kind: 'course', subject, number, minGrade, concurrent };
};
const and = (...items: RequisiteExpr[]): RequisiteExpr => ({ kind: 'and', items });
const or = (...items: RequisiteExpr[]): RequisiteExpr => ({ kind: 'or', items });

function syntaxError(text: string): RequisiteSyntaxError {
  try {
    parseRequisite(text);
  } catch (error) {
    if (error instanceof RequisiteSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseRequisite', () => {
  it('reads course codes, grades and the concurrency marker', () => {
    expect(parseRequisite('CS 125')).toEqual(course('CS 125'));
    expect(parseRequisite('cs 125 (c)')).toEqual(course('CS 125', 'C'));
    expect(parseRequisite('MATH 1X52 (B+)')).toEqual(course('MATH 1X52', 'B+'));
    expect(parseRequisite('BIOS 1107L (d-)')).toEqual(course('BIOS 1107L', 'D-'));
    expect(parseRequisite('CS 225 (C) [concurrent]')).toEqual(course('CS 225', 'C', true));
    expect(parseRequisite('CS 225 [ Concurrent ]')).toEqual(course('CS 225', null, true));
    expect(parseRequisite('CS 15XX')).toEqual(course('CS 15XX'));
    expect(parseRequisite('FYS 1')).toEqual(course('FYS 1'));
  });

  it('accepts hyphenated and unspaced codes, symbols and odd spacing', () => {
    expect(printRequisite(parseRequisite('COMP-131&&cs125 || \n math  213\t'))).toBe(
      'COMP 131 and CS 125 or MATH 213',
    );
    expect(printRequisite(parseRequisite('CS 1 & CS 2 | CS 3'))).toBe('CS 1 and CS 2 or CS 3');
    expect(printRequisite(parseRequisite('CS 1 AND CS 2 Or CS 3'))).toBe('CS 1 and CS 2 or CS 3');
  });

  it('gives "and" precedence over "or" and honours parentheses', () => {
    expect(parseRequisite('CS 1 or CS 2 and CS 3')).toEqual(
      or(course('CS 1'), and(course('CS 2'), course('CS 3'))),
    );
    expect(parseRequisite('CS 1 and CS 2 or CS 3')).toEqual(
      or(and(course('CS 1'), course('CS 2')), course('CS 3')),
    );
    expect(parseRequisite('(CS 1 or CS 2) and CS 3')).toEqual(
      and(or(course('CS 1'), course('CS 2')), course('CS 3')),
    );
    expect(parseRequisite('CS 1 and (CS 2 and (CS 3))')).toEqual(
      and(course('CS 1'), course('CS 2'), course('CS 3')),
    );
  });

  it('treats and/or/test as subjects where a course code is expected', () => {
    expect(parseRequisite('OR 101 or AND 2 and TEST 3')).toEqual(
      or(course('OR 101'), and(course('AND 2'), course('TEST 3'))),
    );
  });

  it('reads tests, class standing and permission atoms', () => {
    expect(parseRequisite('test: oxma')).toEqual({ kind: 'test', code: 'OXMA', minScore: null });
    expect(parseRequisite('TEST:APCS (4)')).toEqual({ kind: 'test', code: 'APCS', minScore: 4 });
    expect(parseRequisite('standing: Junior')).toEqual({ kind: 'standing', standing: 'junior' });
    expect(parseRequisite('standing: frosh')).toEqual({ kind: 'standing', standing: 'freshman' });
    expect(parseRequisite('permission: instructor')).toEqual({
      kind: 'permission',
      permission: 'instructor',
    });
  });

  it('treats blank text as no requirement only through parseOptionalRequisite', () => {
    expect(parseOptionalRequisite('  ')).toBeNull();
    expect(parseOptionalRequisite(null)).toBeNull();
    expect(parseOptionalRequisite('CS 1')).toEqual(course('CS 1'));
    expect(syntaxError('   ').position).toBe(3);
  });
});

describe('syntax errors', () => {
  it.each([
    ['', 0, /empty/],
    ['CS', 2, /course number after "CS"/],
    ['CS 125 and', 10, /end of text/],
    ['CS 125 and or CS 2', 11, /course code/],
    ['CS 125 (E)', 8, /"E" is not a minimum grade/],
    ['CS 125 (F)', 8, /not a minimum grade/],
    ['CS 125 ()', 8, /inside the parentheses/],
    ['CS 125 (C', 8, /missing "\)"/],
    ['CS 125 (CS 126 or CS 127)', 8, /put "and" or "or" before a group/],
    ['(CS 125 or CS 126', 17, /missing "\)" to close the "\(" at position 0/],
    ['CS 125)', 6, /unexpected "\)"/],
    ['CS 125 CS 126', 7, /found "CS"/],
    ['()', 1, /empty parentheses/],
    ['X 101', 0, /"X" is not a subject/],
    ['ABCDEF 101', 0, /not a subject/],
    ['CS 101AND CS 102', 3, /"101AND" is not a course number/],
    ['CS ABC', 3, /course number/],
    ['CS 125 [conc]', 7, /\[concurrent\]/],
    ['CS 225 [concurrent] (C)', 20, /found "\("/],
    ['standing: wizard', 10, /unknown class standing "wizard"/],
    ['permission: dean', 12, /unknown permission "dean"/],
    ['test:', 5, /test code/],
    ['test: APCS (four)', 12, /not a score/],
    ['CS 1 or standing: junior [concurrent]', 25, /found "\["/],
    ['CS 1 && & CS 2', 8, /course code/],
    ['CS 1 @ CS 2', 5, /found "@"/],
  ])('rejects %j at position %i', (text, position, message) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`At position ${position}:`);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_requisite');
  });

  it('refuses absurd nesting and length instead of overflowing the stack', () => {
    expect(syntaxError('('.repeat(100) + 'CS 1' + ')'.repeat(100)).message).toMatch(/nested/);
    expect(syntaxError('CS 1 or '.repeat(2000) + 'CS 1').message).toMatch(/too long/);
  });

  it('never throws anything but a positioned syntax error on arbitrary text', () => {
    const alphabet = fc.constantFrom(...'CSMATHandor ()[]&|:-+01259XLtesingjuc'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
        try {
          const expr = parseRequisite(text);
          expect(parseRequisite(printRequisite(expr))).toEqual(expr);
        } catch (error) {
          expect(error).toBeInstanceOf(RequisiteSyntaxError);
          const { position } = error as RequisiteSyntaxError;
          expect(position).toBeGreaterThanOrEqual(0);
          expect(position).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseOptionalRequisiteRemembered', () => {
  it('answers as parseOptionalRequisite does, the first time and every time after', () => {
    for (const text of ['CS 101 and (MATH 220 or MATH 221 [concurrent])', '  ', 'CS 225 (B-)']) {
      for (let time = 0; time < 3; time++) {
        expect(parseOptionalRequisiteRemembered(text)).toEqual(parseOptionalRequisite(text));
      }
    }
    expect(parseOptionalRequisiteRemembered(null)).toBeNull();
  });

  it('refuses an unreadable text every time, not only the first', () => {
    for (let time = 0; time < 3; time++) {
      expect(() => parseOptionalRequisiteRemembered('CS 101 and and')).toThrow(RequisiteSyntaxError);
    }
  });
});

describe('printRequisite', () => {
  it('writes the canonical form with minimal parentheses', () => {
    const text = ' ( cs 125 (c) ) AND ((CS 173) or math 213) and cs 225 (b-) [CONCURRENT] ';
    expect(printRequisite(parseRequisite(text))).toBe(
      'CS 125 (C) and (CS 173 or MATH 213) and CS 225 (B-) [concurrent]',
    );
    expect(printRequisite(parseRequisite('(CS 1 and CS 2) or (CS 3 and CS 4)'))).toBe(
      'CS 1 and CS 2 or CS 3 and CS 4',
    );
    expect(printRequisite(or(course('CS 1'), or(course('CS 2'), and(course('CS 3')))))).toBe(
      'CS 1 or CS 2 or CS 3',
    );
    expect(printRequisite(parseRequisite('test: APCS (4.5) or standing: senior'))).toBe(
      'test: APCS (4.5) or standing: senior',
    );
  });

  it('refuses an empty group, which has no text', () => {
    expect(() => printRequisite(and())).toThrow(/empty/);
  });
});

describe('describeRequisite and coursesIn', () => {
  it('describes requirements in words', () => {
    expect(describeRequisite(parseRequisite('CS 125 (C) and (CS 173 or MATH 213)'))).toBe(
      'CS 125 with C or better, and either CS 173 or MATH 213',
    );
    expect(describeRequisite(parseRequisite('CS 1 and CS 2'))).toBe('CS 1 and CS 2');
    expect(describeRequisite(parseRequisite('CS 1 or CS 2 or CS 3'))).toBe(
      'one of CS 1, CS 2, or CS 3',
    );
    expect(describeRequisite(parseRequisite('CS 1 and CS 2 or CS 3'))).toBe(
      'either both CS 1 and CS 2, or CS 3',
    );
    expect(
      describeRequisite(
        parseRequisite('CS 225 [concurrent] and (test: APCS (4) or permission: instructor)'),
      ),
    ).toBe(
      'CS 225 (may be taken concurrently), and either a score of at least 4 on the APCS test or instructor permission',
    );
    expect(describeRequisite(parseRequisite('CS 1 or CS 2 and (CS 3 or CS 4)'))).toBe(
      'either CS 1, or both CS 2 and (either CS 3 or CS 4)',
    );
  });

  it('lists each course once, in order', () => {
    expect(coursesIn(parseRequisite('CS 2 and (cs 1 or test: X1) and CS 2 [concurrent]'))).toEqual([
      'CS 2',
      'CS 1',
    ]);
  });
});

describe('grades', () => {
  it('orders the letter scale and treats pass grades as the default minimum only', () => {
    expect(gradeMeetsMinimum('A+', 'A')).toBe(true);
    expect(gradeMeetsMinimum('A-', 'A')).toBe(false);
    expect(gradeMeetsMinimum('C', 'C')).toBe(true);
    expect(gradeMeetsMinimum('C-', 'C')).toBe(false);
    expect(gradeMeetsMinimum('d-', null)).toBe(true);
    expect(gradeMeetsMinimum(' b ', 'C+')).toBe(true);
    for (const pass of ['P', 'S', 'CR', 'T']) {
      expect(gradeMeetsMinimum(pass, null)).toBe(true);
      expect(gradeMeetsMinimum(pass, 'D-')).toBe(true);
      expect(gradeMeetsMinimum(pass, 'D')).toBe(false);
    }
    for (const fail of ['F', 'W', 'I', 'NP', 'U', 'NC', '', 'E', 'IP']) {
      expect(gradeMeetsMinimum(fail, null)).toBe(false);
    }
  });

  it('normalizes transcript course codes', () => {
    expect(normalizeCourseCode(' cs-125 ')).toBe('CS 125');
    expect(normalizeCourseCode('math1x52')).toBe('MATH 1X52');
    expect(normalizeCourseCode('CS')).toBeUndefined();
  });
});

describe('evaluateRequisite', () => {
  const rule = parseRequisite('CS 125 (C) and (CS 173 or MATH 213) and CS 225 [concurrent]');

  it('is satisfied by completed courses and concurrent registrations', () => {
    const facts: RequisiteFacts = {
      completed: [
        { course: 'CS 125', grade: 'B' },
        { course: 'math 213', grade: 'P' },
      ],
      inProgress: ['CS 225'],
    };
    expect(evaluateRequisite(rule, facts)).toEqual({ satisfied: true, missing: [] });
  });

  it('reports every missing piece in words', () => {
    const facts: RequisiteFacts = {
      completed: [
        { course: 'CS 125', grade: 'C-' },
        { course: 'CS 173', grade: 'W' },
      ],
      inProgress: ['MATH 213'],
    };
    expect(evaluateRequisite(rule, facts)).toEqual({
      satisfied: false,
      missing: ['CS 125 (C or better)', 'CS 173 or MATH 213', 'CS 225 (may be taken concurrently)'],
    });
  });

  it('counts any attempt that meets the minimum', () => {
    const facts = {
      completed: [
        { course: 'CS 125', grade: 'D' },
        { course: 'CS 125', grade: 'B-' },
        { course: 'CS 173', grade: 'C' },
        { course: 'CS 225', grade: 'A' },
      ],
    };
    expect(evaluateRequisite(rule, facts).satisfied).toBe(true);
  });

  it('lets in-progress courses satisfy only concurrent atoms, except in corequisite mode', () => {
    const facts = { completed: [], inProgress: ['CS 125', 'CS 173', 'CS 225'] };
    expect(evaluateRequisite(rule, facts)).toEqual({
      satisfied: false,
      missing: ['CS 125 (C or better)', 'CS 173 or MATH 213'],
    });
    expect(evaluateRequisite(rule, facts, { mode: 'corequisite' })).toEqual({
      satisfied: true,
      missing: [],
    });
    const coreq = parseRequisite('COMP 131L');
    expect(evaluateRequisite(coreq, { completed: [] }, { mode: 'corequisite' }).missing).toEqual([
      'COMP 131L',
    ]);
    expect(
      evaluateRequisite(
        coreq,
        { completed: [{ course: 'COMP 131L', grade: 'B' }] },
        {
          mode: 'corequisite',
        },
      ).satisfied,
    ).toBe(true);
  });

  it('checks tests with scores, class standing and permissions', () => {
    const expr = parseRequisite(
      'test: APCS (4) or test: OXCS or standing: junior and permission: instructor',
    );
    const check = (facts: Partial<RequisiteFacts>) =>
      evaluateRequisite(expr, { completed: [], ...facts }).satisfied;
    expect(check({ tests: [{ code: 'apcs', score: 4 }] })).toBe(true);
    expect(check({ tests: [{ code: 'APCS', score: 3 }] })).toBe(false);
    expect(check({ tests: [{ code: 'APCS' }] })).toBe(false);
    expect(check({ tests: [{ code: 'OXCS', score: null }] })).toBe(true);
    expect(check({ standing: 'senior', permissions: ['instructor'] })).toBe(true);
    expect(check({ standing: 'sophomore', permissions: ['instructor'] })).toBe(false);
    expect(check({ standing: 'graduate', permissions: ['department'] })).toBe(false);
    expect(check({})).toBe(false);
    expect(
      evaluateRequisite(parseRequisite('standing: junior'), { completed: [] }).missing,
    ).toEqual(['junior standing or higher']);
  });

  it('never lets an unknown grade or a similar course code pass', () => {
    const expr = parseRequisite('MATH 15X1');
    expect(
      evaluateRequisite(expr, {
        completed: [
          { course: 'MATH 1501', grade: 'A' },
          { course: 'MATH 15X1', grade: 'Z' },
        ],
      }).satisfied,
    ).toBe(false);
    expect(
      evaluateRequisite(expr, { completed: [{ course: 'math 15x1', grade: 'T' }] }).satisfied,
    ).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests over random expressions

const subjectArb = fc.oneof(
  fc.stringMatching(/^[A-Z]{2,5}$/),
  fc.constantFrom('OR', 'AND', 'TEST', 'CS', 'MATH'),
);
const numberArb = fc.stringMatching(/^[0-9][0-9X]{0,5}[A-Z]?$/);
const atomArb: fc.Arbitrary<RequisiteExpr> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('course' as const),
      subject: subjectArb,
      number: numberArb,
      minGrade: fc.option(fc.constantFrom(...MINIMUM_GRADES), { nil: null }),
      concurrent: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('test' as const),
      code: fc.stringMatching(/^[A-Z0-9][A-Z0-9_-]{0,15}$/),
      minScore: fc.option(fc.oneof(fc.integer({ min: 0, max: 1600 }), fc.constantFrom(2.5, 3.75)), {
        nil: null,
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('standing' as const),
      standing: fc.constantFrom(...CLASS_STANDINGS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('permission' as const),
      permission: fc.constantFrom(...REQUISITE_PERMISSIONS),
    }),
  },
);
const exprArb: fc.Arbitrary<RequisiteExpr> = fc.letrec<{ expr: RequisiteExpr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'expr' },
    atomArb,
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('expr'), { minLength: 1, maxLength: 4 }),
    }),
  ),
})).expr;

/** Prints the same meaning with random case, spacing, symbols and redundant parentheses. */
function noisyPrint(expr: RequisiteExpr, rand: () => number): string {
  const pick = <T>(options: T[]): T => options[Math.floor(rand() * options.length)]!;
  const space = () => pick([' ', '  ', '\t', '\n ']);
  const caseOf = (s: string) => (rand() < 0.5 ? s.toLowerCase() : s);
  let text: string;
  switch (expr.kind) {
    case 'course':
      text =
        caseOf(expr.subject) +
        pick([' ', '-', '   ']) +
        caseOf(expr.number) +
        (expr.minGrade ? `${pick(['', ' '])}(${pick(['', ' '])}${caseOf(expr.minGrade)})` : '') +
        (expr.concurrent
          ? `${pick(['', ' '])}[${pick(['concurrent', 'CONCURRENT', ' Concurrent '])}]`
          : '');
      break;
    case 'test':
      text = `${pick(['test:', 'TEST :', 'Test:  '])}${caseOf(expr.code)}${expr.minScore === null ? '' : ` (${String(expr.minScore)})`}`;
      break;
    case 'standing':
      text = `standing:${space()}${caseOf(expr.standing)}`;
      break;
    case 'permission':
      text = `PERMISSION: ${expr.permission}`;
      break;
    case 'and':
    case 'or': {
      const symbols = expr.kind === 'and' ? ['and', 'AND', '&', '&&'] : ['or', 'Or', '|', '||'];
      // Children of a group are always parenthesized here, so the result parses to the same tree.
      text = expr.items
        .map((item) => `(${space()}${noisyPrint(item, rand)}${space()})`)
        .join(`${space()}${pick(symbols)}${space()}`);
      break;
    }
  }
  return rand() < 0.2 ? `(${text})` : text;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('properties', () => {
  it('print(parse(print(e))) equals print(e)', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const text = printRequisite(e);
        expect(printRequisite(parseRequisite(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('parse(print(e)) is structurally the normalized e', () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(parseRequisite(printRequisite(e))).toEqual(normalizeRequisite(e));
      }),
      { numRuns: 1000 },
    );
  });

  it('noisy spellings of e parse to the normalized e', () => {
    fc.assert(
      fc.property(exprArb, fc.integer(), (e, seed) => {
        const text = noisyPrint(e, mulberry32(seed));
        expect(parseRequisite(text)).toEqual(normalizeRequisite(e));
      }),
      { numRuns: 500 },
    );
  });

  it('the evaluator agrees with a direct reading of the unnormalized tree', () => {
    // Straight recursion over the raw tree: the evaluator normalizes first, so this catches a
    // normalization that changes meaning.
    const direct = (e: RequisiteExpr, facts: Required<RequisiteFacts>, coreq: boolean): boolean => {
      switch (e.kind) {
        case 'and':
          return e.items.every((item) => direct(item, facts, coreq));
        case 'or':
          return e.items.some((item) => direct(item, facts, coreq));
        case 'course': {
          const code = `${e.subject} ${e.number}`;
          return (
            facts.completed.some(
              (c) => c.course === code && gradeMeetsMinimum(c.grade, e.minGrade),
            ) ||
            ((e.concurrent || coreq) && facts.inProgress.includes(code))
          );
        }
        case 'test':
          return facts.tests.some(
            (t) => t.code === e.code && (e.minScore === null || (t.score ?? -1) >= e.minScore),
          );
        case 'standing':
          return (
            facts.standing !== null &&
            CLASS_STANDINGS.indexOf(facts.standing) >= CLASS_STANDINGS.indexOf(e.standing)
          );
        case 'permission':
          return facts.permissions.includes(e.permission);
      }
    };
    const collect = (e: RequisiteExpr, kind: 'course' | 'test'): string[] =>
      e.kind === 'and' || e.kind === 'or'
        ? e.items.flatMap((item) => collect(item, kind))
        : e.kind === 'course' && kind === 'course'
          ? [`${e.subject} ${e.number}`]
          : e.kind === 'test' && kind === 'test'
            ? [e.code]
            : [];
    const factsArb = (e: RequisiteExpr): fc.Arbitrary<Required<RequisiteFacts>> => {
      const codes = collect(e, 'course');
      const codeArb = codes.length ? fc.constantFrom(...codes) : fc.constant('CS 1');
      const tests = collect(e, 'test');
      const testArb = tests.length ? fc.constantFrom(...tests) : fc.constant('X');
      return fc.record({
        completed: fc.array(
          fc.record({
            course: codeArb,
            grade: fc.constantFrom(...MINIMUM_GRADES, 'F', 'P', 'W', 'CR', 'T', 'I'),
          }),
          { maxLength: 8 },
        ),
        inProgress: fc.array(codeArb, { maxLength: 3 }),
        tests: fc.array(
          fc.record({ code: testArb, score: fc.option(fc.integer({ min: 0, max: 1600 })) }),
          { maxLength: 3 },
        ),
        standing: fc.option(fc.constantFrom(...CLASS_STANDINGS), { nil: null }),
        permissions: fc.subarray([...REQUISITE_PERMISSIONS]),
      });
    };
    let satisfied = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        exprArb.chain((e) => fc.tuple(fc.constant(e), factsArb(e), fc.boolean())),
        ([e, facts, coreq]) => {
          const mode = coreq ? ('corequisite' as const) : ('prerequisite' as const);
          const expected = direct(e, facts, coreq);
          const result = evaluateRequisite(parseRequisite(printRequisite(e)), facts, { mode });
          expect(result.satisfied).toBe(expected);
          expect(result.missing.length === 0).toBe(expected);
          runs++;
          if (expected) satisfied++;
        },
      ),
      { numRuns: 1000 },
    );
    // Both outcomes must be exercised for the comparison to mean anything.
    expect(satisfied).toBeGreaterThan(runs * 0.1);
    expect(satisfied).toBeLessThan(runs * 0.9);
  });
});

import { describe, expect, it } from 'vitest';
import {
  checkTuitionRules,
  formatDecimal,
  formatMoney,
  localDate,
  percentOf,
  priceLoadChange,
  refundPercentAt,
  refundPercentOn,
  tuitionForCredits,
  type LoadItem,
  type TuitionRules,
} from './billing.ledger.ts';

const rules: TuitionRules = {
  currency: 'USD',
  perCreditAmount: 500_00,
  bands: [{ minCredits: 12, maxCredits: 18, amount: 6_000_00 }],
  refundSchedule: [
    { until: '2026-09-04', percent: 100 },
    { until: '2026-09-18', percent: 50 },
    { until: '2026-10-02', percent: 25 },
  ],
  fees: [
    {
      id: 'term-fee',
      scope: 'term',
      courseId: null,
      sectionId: null,
      description: 'Student services fee',
      amount: 150_00,
      refundable: true,
    },
    {
      id: 'lab-fee',
      scope: 'course',
      courseId: 'chem',
      sectionId: null,
      description: 'Chemistry lab fee',
      amount: 75_00,
      refundable: false,
    },
    {
      id: 'studio-fee',
      scope: 'section',
      courseId: null,
      sectionId: 'art-1',
      description: 'Studio materials fee',
      amount: 40_01,
      refundable: true,
    },
  ],
};

const item = (sectionId: string, courseId: string, credits: number): LoadItem => ({
  sectionId,
  courseId,
  credits,
});

describe('tuition for a load', () => {
  it('charges per credit outside the bands and the flat amount inside, both ends included', () => {
    expect(tuitionForCredits(rules, 0)).toBe(0);
    expect(tuitionForCredits(rules, 3)).toBe(1_500_00);
    expect(tuitionForCredits(rules, 11.99)).toBe(5_995_00);
    expect(tuitionForCredits(rules, 12)).toBe(6_000_00);
    expect(tuitionForCredits(rules, 18)).toBe(6_000_00);
    expect(tuitionForCredits(rules, 18.5)).toBe(9_250_00);
  });

  it('rounds fractional credits half up to the cent', () => {
    // 0.01 credit at 33.35 is 0.3335 → 0.33; at 33.50 is 0.335 → 0.34.
    expect(tuitionForCredits({ bands: [], perCreditAmount: 33_35 }, 0.01)).toBe(33);
    expect(tuitionForCredits({ bands: [], perCreditAmount: 33_50 }, 0.01)).toBe(34);
    // Credits like 0.1 + 0.2 do not drift: the sum is taken in hundredths.
    expect(tuitionForCredits({ bands: [], perCreditAmount: 100 }, 0.1 + 0.2)).toBe(30);
  });
});

describe('refund schedule', () => {
  it('gives each step its whole last day, then the next step, then 0 %', () => {
    expect(refundPercentOn(rules.refundSchedule, '2026-08-30')).toBe(100);
    expect(refundPercentOn(rules.refundSchedule, '2026-09-04')).toBe(100);
    expect(refundPercentOn(rules.refundSchedule, '2026-09-05')).toBe(50);
    expect(refundPercentOn(rules.refundSchedule, '2026-09-18')).toBe(50);
    expect(refundPercentOn(rules.refundSchedule, '2026-10-02')).toBe(25);
    expect(refundPercentOn(rules.refundSchedule, '2026-10-03')).toBe(0);
  });

  it('refunds everything when the term has no schedule', () => {
    expect(refundPercentOn([], '2030-01-01')).toBe(100);
  });

  it('reads the date in the term time zone, not UTC', () => {
    // 03:30 UTC on 5 September is still 4 September in Chicago: the 100 % step applies.
    const at = new Date('2026-09-05T03:30:00Z');
    expect(localDate(at, 'America/Chicago')).toBe('2026-09-04');
    expect(refundPercentAt(rules.refundSchedule, at, 'America/Chicago')).toBe(100);
    expect(refundPercentAt(rules.refundSchedule, at, 'UTC')).toBe(50);
  });
});

describe('percentages round half up', () => {
  it('rounds to the nearest minor unit, halves up', () => {
    expect(percentOf(1001, 50)).toBe(501);
    expect(percentOf(1000, 50)).toBe(500);
    expect(percentOf(999, 25)).toBe(250); // 249.75
    expect(percentOf(1002, 25)).toBe(251); // 250.5
    expect(percentOf(1001, 0)).toBe(0);
    expect(percentOf(1001, 100)).toBe(1001);
    expect(percentOf(-1001, 50)).toBe(-501);
  });
});

describe('pricing a change of load', () => {
  const math3 = item('math-1', 'math', 3);
  const chem4 = item('chem-1', 'chem', 4);
  const art3 = item('art-1', 'art', 3);
  const hist4 = item('hist-1', 'hist', 4);

  it('charges tuition and every fee that starts to apply on the first add', () => {
    const lines = priceLoadChange(rules, {
      before: [],
      after: [chem4],
      refundPercent: 100,
      summary: 'CHEM 101 AL1 added',
    });
    expect(lines.map((l) => [l.kind, l.component, l.amount])).toEqual([
      ['charge', 'tuition', 2_000_00],
      ['charge', 'fee:term-fee', 150_00],
      ['charge', 'fee:lab-fee', 75_00],
    ]);
    expect(lines[0]!.description).toBe('Tuition: CHEM 101 AL1 added (0 → 4 credits)');
  });

  it('charges only the step into a band, and nothing while inside it', () => {
    const load9 = [math3, art3, item('x', 'x', 3)];
    const into = priceLoadChange(rules, {
      before: load9,
      after: [...load9, hist4],
      refundPercent: 100,
      summary: 'HIST added',
    });
    // 9 credits cost 4 500; 13 credits are the flat 6 000.
    expect(into.find((l) => l.component === 'tuition')?.amount).toBe(1_500_00);
    const inside = priceLoadChange(rules, {
      before: [...load9, hist4],
      after: [...load9, hist4, item('y', 'y', 3)],
      refundPercent: 100,
      summary: 'Y added',
    });
    expect(inside.filter((l) => l.component === 'tuition')).toEqual([]);
  });

  it('credits in full when an add lowers tuition into a band', () => {
    const generous: TuitionRules = { ...rules, fees: [], perCreditAmount: 600_00 };
    // 11 credits cost 6 600; 12 credits are the flat 6 000: the student gets 600 back, whatever
    // the refund period, because no credits were dropped.
    const lines = priceLoadChange(generous, {
      before: [item('a', 'a', 11)],
      after: [item('a', 'a', 11), item('b', 'b', 1)],
      refundPercent: 0,
      summary: 'B added',
    });
    expect(lines).toMatchObject([{ kind: 'adjustment', amount: -600_00 }]);
    expect(lines[0]!.description).toContain('flat-rate band');
  });

  it('reverses a drop at the refund percentage, refundable fees included', () => {
    const lines = priceLoadChange(rules, {
      before: [art3],
      after: [],
      refundPercent: 50,
      summary: 'ART 110 dropped',
    });
    expect(lines.map((l) => [l.kind, l.component, l.amount])).toEqual([
      ['adjustment', 'tuition', -750_00],
      ['adjustment', 'fee:term-fee', -75_00],
      ['adjustment', 'fee:studio-fee', -20_01], // 50 % of 40.01 = 20.005 → 20.01
    ]);
  });

  it('never credits a non-refundable fee, and posts nothing at 0 %', () => {
    const half = priceLoadChange(rules, {
      before: [math3, chem4],
      after: [math3],
      refundPercent: 50,
      summary: 'CHEM dropped',
    });
    expect(half.map((l) => l.component)).toEqual(['tuition']);
    const none = priceLoadChange(rules, {
      before: [math3, chem4],
      after: [math3],
      refundPercent: 0,
      summary: 'CHEM dropped',
    });
    expect(none).toEqual([]);
  });

  it('credits the band difference, not the per-credit price, when dropping out of a band', () => {
    const load12 = [math3, art3, chem4, item('z', 'z', 2)];
    const lines = priceLoadChange(rules, {
      before: load12,
      after: load12.filter((i) => i !== math3),
      refundPercent: 100,
      summary: 'MATH dropped',
    });
    // 12 credits cost 6 000, 9 credits 4 500.
    expect(lines.find((l) => l.component === 'tuition')?.amount).toBe(-1_500_00);
  });

  it('counts a course once when the load holds its lecture and its lab', () => {
    const lecture = item('chem-lec', 'chem', 4);
    const lab = item('chem-lab', 'chem', 4);
    const withLab = priceLoadChange(rules, {
      before: [lecture],
      after: [lecture, lab],
      refundPercent: 100,
      summary: 'CHEM lab added',
    });
    expect(withLab.filter((l) => l.component === 'tuition')).toEqual([]);
    const both = priceLoadChange(rules, {
      before: [],
      after: [lecture, lab],
      refundPercent: 100,
      summary: 'CHEM added',
    });
    expect(both.find((l) => l.component === 'tuition')?.amount).toBe(2_000_00);
  });

  it('nets a swap between two sections of one course to nothing', () => {
    const chemOther = item('chem-2', 'chem', 4);
    const lines = priceLoadChange(rules, {
      before: [math3, chem4],
      after: [math3, chemOther],
      refundPercent: 25,
      summary: 'CHEM AL1 swapped for AL2',
    });
    expect(lines).toEqual([]);
  });

  it('prices a swap to fewer credits as a drop of the difference', () => {
    const lines = priceLoadChange(rules, {
      before: [math3, hist4],
      after: [math3, art3],
      refundPercent: 50,
      summary: 'HIST swapped for ART',
    });
    expect(lines.map((l) => [l.kind, l.component, l.amount])).toEqual([
      ['adjustment', 'tuition', -250_00],
      ['charge', 'fee:studio-fee', 40_01],
    ]);
  });

  it('restores exactly what was charged when a drop is fully refunded', () => {
    const load = [math3, chem4, art3];
    const add = priceLoadChange(rules, {
      before: [],
      after: load,
      refundPercent: 100,
      summary: 'all added',
    });
    const drop = priceLoadChange(rules, {
      before: load,
      after: [],
      refundPercent: 100,
      summary: 'all dropped',
    });
    const sum = (lines: { amount: number }[]): number => lines.reduce((s, l) => s + l.amount, 0);
    // The lab fee is not refundable: it is all that remains.
    expect(sum(add) + sum(drop)).toBe(75_00);
  });
});

describe('tuition setup checks', () => {
  it('rejects overlapping bands, schedules out of order and unknown currencies', () => {
    const problems = checkTuitionRules({
      currency: 'XYZ',
      bands: [
        { minCredits: 12, maxCredits: 18, amount: 1 },
        { minCredits: 18, maxCredits: 21, amount: 2 },
      ],
      refundSchedule: [
        { until: '2026-09-10', percent: 50 },
        { until: '2026-09-01', percent: 100 },
        { until: '2026-13-01', percent: 0 },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'body.currency',
      'body.bands.1',
      'body.refundSchedule.1.until',
      'body.refundSchedule.1.percent',
      'body.refundSchedule.2.until',
    ]);
  });

  it('accepts a sound setup', () => {
    expect(checkTuitionRules(rules)).toEqual([]);
  });
});

describe('money formatting', () => {
  it('uses the currency minor unit', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(-5, 'USD')).toBe('-$0.05');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatDecimal(123456, 'USD')).toBe('1234.56');
    expect(formatDecimal(-5, 'USD')).toBe('-0.05');
    expect(formatDecimal(1500, 'JPY')).toBe('1500');
  });
});

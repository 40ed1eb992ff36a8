import { describe, expect, it } from 'vitest';
import { buildSearchMix, closedLoop, percentile } from './load.ts';

const DATA = {
  subjects: ['CS', 'MATH'],
  titleWords: ['calculus', 'structures', 'algorithms'],
  courseCodes: ['CS 225', 'MATH 221'],
  instructorNames: ['Ada Lovelace', 'Emmy Noether'],
};

describe('catalog search load', () => {
  it('builds the same mix from the same seed, with every kind of search', () => {
    const a = buildSearchMix(DATA, 500);
    expect(buildSearchMix(DATA, 500)).toEqual(a);
    expect(buildSearchMix(DATA, 500, 1)).not.toEqual(a);
    const kinds = new Set(a.map((q) => q.name.split('=')[0]));
    expect([...kinds].sort()).toEqual(
      [
        'code',
        'days+window',
        'instructor',
        'kind',
        'sort',
        'subject',
        'subject+days+open',
        'text',
        'text+open',
      ].sort(),
    );
    for (const q of a.filter((x) => x.name === 'text')) expect(q.query).toMatch(/^q=[a-z]{3,}$/);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('counts answers and failures of a closed loop', async () => {
    let calls = 0;
    const result = await closedLoop(4, 50, async (i) => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (i % 5 === 0) throw new Error('refused');
    });
    expect(result.completed + result.errors).toBe(calls);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.latenciesMs).toEqual([...result.latenciesMs].sort((x, y) => x - y));
  });
});

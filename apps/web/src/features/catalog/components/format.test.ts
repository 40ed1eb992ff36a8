import { describe, expect, it } from 'vitest';
import { formatCredits, fromWallTime, toWallTime } from './format.ts';

describe('wall-clock times in a term’s time zone', () => {
  it('turns a Chicago wall time into the instant and back, on both sides of daylight saving', () => {
    expect(fromWallTime('2026-01-15 08:00', 'America/Chicago')).toBe('2026-01-15T14:00:00.000Z');
    expect(fromWallTime('2026-07-15 08:00:00', 'America/Chicago')).toBe('2026-07-15T13:00:00.000Z');
    expect(toWallTime('2026-07-15T13:00:00.000Z', 'America/Chicago')).toBe('2026-07-15 08:00:00');
    expect(toWallTime('2026-01-15T14:00:00.000Z', 'Asia/Tokyo')).toBe('2026-01-15 23:00:00');
  });

  it('handles the day the clocks change', () => {
    // 8 March 2026, 03:30 in Chicago is after the spring-forward jump at 02:00 (CDT, UTC-5).
    expect(fromWallTime('2026-03-08 03:30', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z');
  });
});

describe('credits', () => {
  it('says fixed and variable credits in words', () => {
    expect(formatCredits({ min: 3, max: 3 })).toBe('3 credits');
    expect(formatCredits({ min: 1, max: 1 })).toBe('1 credit');
    expect(formatCredits({ min: 1, max: 4 })).toBe('1–4 credits');
  });
});

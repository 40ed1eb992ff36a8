import { describe, expect, it } from 'vitest';
import {
  Tally,
  chooseAction,
  classifyAnswer,
  createRandom,
  createSectionPicker,
  type Action,
} from './workload.ts';

const SECTIONS = Array.from({ length: 1000 }, (_, i) => `s${i}`);

describe('registration storm workload', () => {
  it('aims about 20% of picks at 1% of sections, the same way for the same seed', () => {
    const picker = createSectionPicker(
      SECTIONS,
      { hotSectionShare: 0.01, hotRequestShare: 0.2 },
      createRandom(1),
    );
    expect(picker.hot).toHaveLength(10);
    const hot = new Set(picker.hot);
    let hits = 0;
    const picks = Array.from({ length: 20_000 }, () => picker.pick());
    for (const id of picks) if (hot.has(id)) hits += 1;
    expect(hits / picks.length).toBeGreaterThan(0.18);
    expect(hits / picks.length).toBeLessThan(0.22);
    const again = createSectionPicker(
      SECTIONS,
      { hotSectionShare: 0.01, hotRequestShare: 0.2 },
      createRandom(1),
    );
    expect(again.hot).toEqual(picker.hot);
  });

  it('registers when nothing is held, and otherwise also drops and swaps', () => {
    const random = createRandom(3);
    const pick = () => 'sX';
    expect(chooseAction([], pick, { drop: 0.5, swap: 0.5 }, random)).toEqual({
      kind: 'register',
      sectionId: 'sX',
    });
    const kinds = new Tally();
    for (let i = 0; i < 2000; i += 1) {
      const action: Action = chooseAction(['r1', 'r2'], pick, { drop: 0.2, swap: 0.15 }, random);
      kinds.add(action.kind);
      if (action.kind === 'drop') expect(['r1', 'r2']).toContain(action.registrationId);
    }
    expect(kinds.get('drop') / 2000).toBeGreaterThan(0.15);
    expect(kinds.get('swap') / 2000).toBeGreaterThan(0.1);
    expect(kinds.get('register') / 2000).toBeGreaterThan(0.55);
  });

  it('names every kind of answer', () => {
    expect(classifyAnswer('register', 201, { registration: { status: 'waitlisted' } })).toEqual({
      outcome: 'waitlisted',
      blockers: [],
    });
    expect(
      classifyAnswer('register', 422, {
        code: 'registration_blocked',
        errors: [{ code: 'time_conflict' }, { code: 'hold' }, { code: 'hold' }],
      }),
    ).toEqual({ outcome: 'blocked', blockers: ['hold', 'time_conflict'] });
    expect(classifyAnswer('swap', 200, { dropped: {}, added: {} }).outcome).toBe('swapped');
    expect(classifyAnswer('drop', 200, { registration: { status: 'dropped' } }).outcome).toBe(
      'dropped',
    );
    expect(classifyAnswer('register', 503, { code: 'overloaded' }).outcome).toBe('overloaded');
    expect(classifyAnswer('drop', 409, { code: 'registration_not_live' }).outcome).toBe(
      'http_409:registration_not_live',
    );
  });
});

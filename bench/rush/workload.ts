// The registration-storm workload: which student does what to which section, with hot sections
// (a share of requests aimed at a small share of sections), and how each answer is tallied.
// Pure functions over a seeded random source, so they can be tested without a server.
import { createRandom } from '../catalog-search/load.ts';

export { createRandom };

export interface HotMix {
  /** Share of sections that are hot (0.01 = 1%). */
  hotSectionShare: number;
  /** Share of requests aimed at hot sections (0.2 = 20%). */
  hotRequestShare: number;
}

export const DEFAULT_HOT_MIX: HotMix = { hotSectionShare: 0.01, hotRequestShare: 0.2 };

/** Picks section indexes: hot ones (the first `hot` of a shuffled list) get their share. */
export function createSectionPicker(
  sectionIds: readonly string[],
  mix: HotMix,
  random: () => number,
): { pick(): string; hot: readonly string[] } {
  const shuffled = [...sectionIds];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const hotCount = Math.max(1, Math.round(shuffled.length * mix.hotSectionShare));
  const hot = shuffled.slice(0, hotCount);
  const cold = shuffled.slice(hotCount);
  return {
    hot,
    pick() {
      const pool = cold.length === 0 || random() < mix.hotRequestShare ? hot : cold;
      return pool[Math.floor(random() * pool.length)]!;
    },
  };
}

export type Action =
  | { kind: 'register'; sectionId: string }
  | { kind: 'drop'; registrationId: string }
  | { kind: 'swap'; dropRegistrationId: string; addSectionId: string };

export interface ActionMix {
  drop: number;
  swap: number;
}

/** With live registrations a student sometimes drops or swaps one; otherwise they register. */
export const DEFAULT_ACTION_MIX: ActionMix = { drop: 0.2, swap: 0.15 };

export function chooseAction(
  held: readonly string[],
  pickSection: () => string,
  mix: ActionMix,
  random: () => number,
): Action {
  if (held.length > 0) {
    const roll = random();
    const registrationId = held[Math.floor(random() * held.length)]!;
    if (roll < mix.drop) return { kind: 'drop', registrationId };
    if (roll < mix.drop + mix.swap) {
      return { kind: 'swap', dropRegistrationId: registrationId, addSectionId: pickSection() };
    }
  }
  return { kind: 'register', sectionId: pickSection() };
}

interface Problem {
  code?: string;
  errors?: Array<{ code?: string }>;
}

/**
 * A short name for an answer: `enrolled`, `waitlisted`, `dropped`, `swapped`, `blocked` (with
 * the blocker codes, each counted), `overloaded` (503), `http_<status>:<code>` otherwise.
 */
export function classifyAnswer(
  action: Action['kind'],
  status: number,
  body: unknown,
): { outcome: string; blockers: string[] } {
  if (status === 201 || status === 200) {
    if (action === 'register') {
      const registration = (body as { registration?: { status?: string } }).registration;
      return { outcome: registration?.status ?? 'registered', blockers: [] };
    }
    if (action === 'drop') {
      const registration = (body as { registration?: { status?: string } }).registration;
      return { outcome: registration?.status ?? 'dropped', blockers: [] };
    }
    return { outcome: 'swapped', blockers: [] };
  }
  const problem = (body ?? {}) as Problem;
  if (status === 422 && problem.code === 'registration_blocked') {
    const codes = [...new Set((problem.errors ?? []).map((e) => e.code ?? '?'))].sort();
    return { outcome: 'blocked', blockers: codes };
  }
  if (status === 503) return { outcome: 'overloaded', blockers: [] };
  return { outcome: `http_${status}:${problem.code ?? '?'}`, blockers: [] };
}

/** Counts by name, printed largest first. */
export class Tally {
  readonly counts = new Map<string, number>();

  add(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  sorted(): Array<[string, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

// Load-generation pieces of the catalog search benchmark: a deterministic search mix, closed and
// open (Poisson) loops, and latency percentiles. Pure enough to test without a server.

export interface SearchData {
  subjects: string[];
  /** Words of course titles (already lower-case). */
  titleWords: string[];
  courseCodes: string[];
  instructorNames: string[];
}

export interface SearchQuery {
  name: string;
  /** Query string for GET /terms/{termId}/sections (without the leading ?). */
  query: string;
}

/** mulberry32: the same seed gives the same mix on every run. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/**
 * What students type on the catalog page: title prefixes and partial codes, a subject with day
 * and open-seat filters, time windows, instructors, kinds and the other sorts.
 */
export function buildSearchMix(data: SearchData, count: number, seed = 20261122): SearchQuery[] {
  const random = createRandom(seed);
  const mix: SearchQuery[] = [];
  const prefix = (word: string) =>
    word.slice(0, Math.max(3, Math.min(word.length, 3 + Math.floor(random() * 4))));
  const enc = encodeURIComponent;
  while (mix.length < count) {
    const roll = random();
    if (roll < 0.25) {
      mix.push({ name: 'text', query: `q=${enc(prefix(pick(random, data.titleWords)))}` });
    } else if (roll < 0.35) {
      const code = pick(random, data.courseCodes);
      mix.push({ name: 'code', query: `q=${enc(code.slice(0, code.length - 1))}` });
    } else if (roll < 0.5) {
      mix.push({ name: 'subject', query: `subject=${pick(random, data.subjects)}` });
    } else if (roll < 0.65) {
      const days = pick(random, ['MWF', 'TR', 'MW', 'MTWRF']);
      mix.push({
        name: 'subject+days+open',
        query: `subject=${pick(random, data.subjects)}&days=${days}&open=true`,
      });
    } else if (roll < 0.75) {
      const start = pick(random, ['08:00', '09:00', '10:00', '12:00', '13:00']);
      const end = pick(random, ['12:00', '14:00', '17:00']);
      const days = pick(random, ['MWF', 'TR']);
      mix.push({ name: 'days+window', query: `days=${days}&startAfter=${start}&endBefore=${end}` });
    } else if (roll < 0.83) {
      mix.push({
        name: 'text+open',
        query: `q=${enc(prefix(pick(random, data.titleWords)))}&open=true`,
      });
    } else if (roll < 0.88) {
      const last = pick(random, data.instructorNames).split(' ').at(-1)!;
      mix.push({ name: 'instructor', query: `instructor=${enc(last.toLowerCase())}` });
    } else if (roll < 0.93) {
      mix.push({
        name: 'kind',
        query: `kind=${pick(random, ['lab', 'online', 'seminar', 'discussion'])}&credits=${pick(random, [1, 3, 4])}`,
      });
    } else {
      const sort = pick(random, ['available', 'startTime', 'title']);
      mix.push({
        name: `sort=${sort}`,
        query: `sort=${sort}&subject=${pick(random, data.subjects)}`,
      });
    }
  }
  return mix;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LoopResult {
  completed: number;
  errors: number;
  seconds: number;
  rate: number;
  latenciesMs: number[];
  /** Failures by their message's first word (e.g. an HTTP status). */
  errorKinds: Record<string, number>;
}

function recordError(kinds: Record<string, number>, error: unknown): void {
  const key = (error instanceof Error ? error.message : String(error)).split(' ')[0] ?? '?';
  kinds[key] = (kinds[key] ?? 0) + 1;
}

function summarize(
  latencies: number[],
  errorKinds: Record<string, number>,
  seconds: number,
): LoopResult {
  latencies.sort((a, b) => a - b);
  const errors = Object.values(errorKinds).reduce((sum, n) => sum + n, 0);
  return {
    completed: latencies.length,
    errors,
    seconds,
    rate: latencies.length / seconds,
    latenciesMs: latencies,
    errorKinds,
  };
}

/** `concurrency` workers each send the next request as soon as the last one answered. */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  send: (index: number) => Promise<void>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let index = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const i = index++;
      const t0 = performance.now();
      try {
        await send(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        recordError(errorKinds, error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarize(latencies, errorKinds, (performance.now() - started) / 1000);
}

/**
 * Arrivals at `rate` per second with exponential gaps (a Poisson process), each sent whether or
 * not earlier ones have answered; latency counts from the scheduled arrival, so a stalled server
 * cannot hide its queue (no coordinated omission).
 */
export async function openLoop(
  rate: number,
  durationMs: number,
  send: (index: number) => Promise<void>,
  seed = 7,
): Promise<LoopResult> {
  const random = createRandom(seed);
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  let next = started;
  let index = 0;
  const end = started + durationMs;
  while (next < end) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Fire every arrival that is due: a late timer sends a burst rather than shifting the schedule.
    const now = performance.now();
    while (next <= now && next < end) {
      const scheduled = next;
      const i = index++;
      inFlight.push(
        send(i).then(
          () => {
            latencies.push(performance.now() - scheduled);
          },
          (error: unknown) => {
            recordError(errorKinds, error);
          },
        ),
      );
      next += (-Math.log(1 - random()) / rate) * 1000;
    }
  }
  await Promise.all(inFlight);
  return summarize(latencies, errorKinds, durationMs / 1000);
}

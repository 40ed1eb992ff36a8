// Admission control: a bounded number of handlers run, the next ones wait in order, and beyond
// the queue (or the wait budget) the answer is an immediate 503 problem+json with Retry-After.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { createTestApp } from '../test/test-app.ts';
import {
  AdmissionGate,
  registerAdmission,
  type AdmissionLimits,
  type QueueEvent,
  type QueueTicket,
} from './admission.ts';
import { registerErrorHandling } from './errors.ts';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Probe {
  app: FastifyInstance;
  gate: AdmissionGate;
  registry: Registry;
  /** Names of admitted requests, in the order their handlers started. */
  started: string[];
  /** Each admitted request waits here until the test releases it by name. */
  hold(name: string): Deferred;
}

async function probeApp(limits: AdmissionLimits): Promise<Probe> {
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  const registry = new Registry();
  const gate = registerAdmission(app, { limits, registry });
  const started: string[] = [];
  const holds = new Map<string, Deferred>();
  const hold = (name: string): Deferred => {
    let entry = holds.get(name);
    if (!entry) {
      entry = deferred();
      holds.set(name, entry);
    }
    return entry;
  };
  app.post<{ Params: { name: string } }>(
    '/register/:name',
    { config: { admission: true } },
    async (request) => {
      started.push(request.params.name);
      await hold(request.params.name).promise;
      return { done: request.params.name };
    },
  );
  app.get('/catalog', async () => ({ ok: true }));
  await app.ready();
  return { app, gate, registry, started, hold };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('registration admission control', () => {
  it('runs a bounded number at once, serves the queue in arrival order, and sheds the rest', async () => {
    const probe = await probeApp({ maxInFlight: 2, maxQueue: 2, maxWaitMs: 60_000 });
    apps.push(probe.app);
    const send = (name: string) => probe.app.inject({ method: 'POST', url: `/register/${name}` });

    const a = send('a');
    const b = send('b');
    await vi.waitFor(() => expect(probe.gate.stats().inFlight).toBe(2));
    const c = send('c');
    await vi.waitFor(() => expect(probe.gate.stats().queued).toBe(1));
    const d = send('d');
    await vi.waitFor(() => expect(probe.gate.stats().queued).toBe(2));

    // The queue is full: the fifth is refused at once, while the others still wait.
    const refused = await send('e');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json()).toMatchObject({ status: 503, code: 'overloaded' });
    expect(probe.started).toEqual(['a', 'b']);

    // Other routes are not held up by the queue.
    expect((await probe.app.inject({ method: 'GET', url: '/catalog' })).statusCode).toBe(200);

    // Each freed slot goes to the longest waiter.
    probe.hold('b').resolve();
    expect((await b).statusCode).toBe(200);
    await vi.waitFor(() => expect(probe.started).toEqual(['a', 'b', 'c']));
    probe.hold('a').resolve();
    await vi.waitFor(() => expect(probe.started).toEqual(['a', 'b', 'c', 'd']));
    probe.hold('c').resolve();
    probe.hold('d').resolve();
    const answers = await Promise.all([a, c, d]);
    expect(answers.map((r) => r.json<{ done: string }>().done)).toEqual(['a', 'c', 'd']);
    expect(probe.gate.stats()).toEqual({ inFlight: 0, queued: 0, admitted: 4, shed: 1 });

    const metrics = await probe.registry.metrics();
    expect(metrics).toContain('registration_admission_shed_total{reason="queue_full"} 1');
    expect(metrics).toContain('registration_admission_in_flight 0');
    expect(metrics).toContain('registration_admission_queue_depth 0');
  });

  it('refuses a request that waited out its budget, with Retry-After', async () => {
    const probe = await probeApp({ maxInFlight: 1, maxQueue: 10, maxWaitMs: 50 });
    apps.push(probe.app);
    const first = probe.app.inject({ method: 'POST', url: '/register/first' });
    await vi.waitFor(() => expect(probe.gate.stats().inFlight).toBe(1));
    const late = await probe.app.inject({ method: 'POST', url: '/register/late' });
    expect(late.statusCode).toBe(503);
    expect(late.headers['retry-after']).toBeDefined();
    expect(late.json()).toMatchObject({ code: 'overloaded' });
    expect(probe.started).toEqual(['first']);
    probe.hold('first').resolve();
    expect((await first).statusCode).toBe(200);
    expect(await probe.registry.metrics()).toContain(
      'registration_admission_shed_total{reason="wait_budget"} 1',
    );
  });

  it('drops a waiter whose client went away, and never runs it', async () => {
    const probe = await probeApp({ maxInFlight: 1, maxQueue: 10, maxWaitMs: 60_000 });
    apps.push(probe.app);
    await probe.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(probe.app.server.address() as AddressInfo).port}`;
    const first = fetch(`${base}/register/first`, { method: 'POST' });
    await vi.waitFor(() => expect(probe.gate.stats().inFlight).toBe(1));
    const controller = new AbortController();
    const gone = fetch(`${base}/register/gone`, { method: 'POST', signal: controller.signal });
    await vi.waitFor(() => expect(probe.gate.stats().queued).toBe(1));
    controller.abort();
    await expect(gone).rejects.toThrow();
    await vi.waitFor(() => expect(probe.gate.stats().queued).toBe(0));
    probe.hold('first').resolve();
    expect((await first).status).toBe(200);
    expect(probe.started).toEqual(['first']);
    expect(probe.gate.stats().shed).toBe(0);
  });

  it('is sized from the configuration and shown in /metrics of the app', async () => {
    const config = loadConfig({
      ADMISSION_QUEUE_LIMIT: '250',
      ADMISSION_MAX_WAIT_MS: '2500',
      DATA_DIR: 'data-admission-test',
      JWT_SECRET: 'x'.repeat(40),
      COOKIE_SECRET: 'y'.repeat(40),
    });
    expect(config.admissionQueueLimit).toBe(250);
    expect(config.admissionMaxWaitMs).toBe(2500);
    expect(() => loadConfig({ ADMISSION_QUEUE_LIMIT: '-1' })).toThrow(/ADMISSION_QUEUE_LIMIT/);

    const t = await createTestApp();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      // One slot per pooled connection: 1 on PGlite, the pool size on PostgreSQL.
      expect(res.body).toContain(`registration_admission_limit ${t.database.maxConnections}`);
      expect(res.body).toContain('registration_admission_queue_depth 0');
    } finally {
      await t.close();
    }
  });

  it('reports a watched waiter’s place on joining, at most once a second after, and its end', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
    try {
      const watchers = new Set(['watched']);
      const reports: Array<[string, QueueEvent]> = [];
      const asked: string[] = [];
      const gate = new AdmissionGate(
        { maxInFlight: 1, maxQueue: 10, maxWaitMs: 60_000 },
        {
          watching: (userId) => {
            asked.push(userId);
            return watchers.has(userId);
          },
          report: (userId, event) => reports.push([userId, event]),
        },
      );
      let tickets = 0;
      const ticket = (userId: string, requestId: string) => (): QueueTicket => {
        tickets += 1;
        return { userId, requestId, method: 'POST', path: '/r', since: Date.now() };
      };
      const positions = () => reports.map(([user, e]) => [user, e.requestId, e.state, e.position]);

      // The first request runs at once: no ticket is even made.
      const running = await gate.acquire(undefined, ticket('watched', 'r0'));
      expect(tickets).toBe(0);
      const w1 = gate.acquire(undefined, ticket('unwatched', 'w1'));
      const w2 = gate.acquire(undefined, ticket('unwatched', 'w2'));
      const w3 = gate.acquire(undefined, ticket('watched', 'w3'));
      // Joining the line: reported at once, for the watched user only.
      expect(positions()).toEqual([['watched', 'w3', 'waiting', 3]]);
      expect(reports[0]![1]).toMatchObject({ ahead: 2, estimatedWaitSeconds: 1 });
      expect(gate.waitsOf('watched')).toMatchObject([{ requestId: 'w3', position: 3, ahead: 2 }]);

      // Two moves within the second after the first report: one report when the second is up.
      running();
      (await w1)();
      await vi.advanceTimersByTimeAsync(500);
      expect(positions()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(600);
      expect(positions()).toEqual([
        ['watched', 'w3', 'waiting', 3],
        ['watched', 'w3', 'waiting', 1],
      ]);
      // No move, no report.
      await vi.advanceTimersByTimeAsync(5000);
      expect(positions()).toHaveLength(2);

      (await w2)();
      expect(reports.at(-1)).toEqual([
        'watched',
        expect.objectContaining({ requestId: 'w3', state: 'admitted', position: 0 }),
      ]);
      const releaseW3 = await w3;

      // A request that waits out its budget gets a last report, with its Retry-After.
      const w4 = gate.acquire(undefined, ticket('watched', 'w4'));
      const refused = expect(w4).rejects.toMatchObject({ reason: 'wait_budget' });
      await vi.advanceTimersByTimeAsync(60_000);
      await refused;
      expect(positions().slice(-2)).toEqual([
        ['watched', 'w4', 'waiting', 1],
        ['watched', 'w4', 'refused', 0],
      ]);
      expect(reports.at(-1)![1]).toMatchObject({
        reason: 'wait_budget',
        retryAfterSeconds: expect.any(Number) as number,
      });
      releaseW3();
      // Nobody watches any more: no timer is left running, and the unwatched user heard nothing.
      expect(vi.getTimerCount()).toBe(0);
      expect(reports.some(([user]) => user === 'unwatched')).toBe(false);
      expect(asked.filter((u) => u === 'unwatched')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('picks up waits already queued when their user starts watching', async () => {
    const watchers = new Set<string>();
    const reports: QueueEvent[] = [];
    const gate = new AdmissionGate(
      { maxInFlight: 1, maxQueue: 10, maxWaitMs: 60_000 },
      { watching: (userId) => watchers.has(userId), report: (_user, event) => reports.push(event) },
    );
    const running = await gate.acquire();
    const waiting = gate.acquire(undefined, () => ({
      userId: 'late',
      requestId: 'w1',
      method: 'DELETE',
      path: '/r/1',
      since: Date.now(),
    }));
    expect(reports).toEqual([]);
    watchers.add('late');
    gate.watch('late');
    expect(reports).toMatchObject([{ state: 'waiting', requestId: 'w1', position: 1, ahead: 0 }]);
    running();
    (await waiting)();
    expect(reports.map((e) => e.state)).toEqual(['waiting', 'admitted']);
  });
});

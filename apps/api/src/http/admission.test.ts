// Admission control: a bounded number of handlers run, the next ones wait in order, and beyond
// the queue (or the wait budget) the answer is an immediate 503 problem+json with Retry-After.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import { createTestApp } from '../test/test-app.ts';
import { registerAdmission, type AdmissionGate, type AdmissionLimits } from './admission.ts';
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
});

// Admission control for the registration rush: at most `maxInFlight` registration-changing
// requests run at once in this process (sized to the database pool, so none waits on a
// connection while holding locks), the rest wait in a FIFO queue up to `maxQueue` entries and
// `maxWaitMs`, and beyond that the answer is at once a 503 `overloaded` with Retry-After, never a
// pile-up of slow timeouts. Routes opt in with `config: { admission: true }`.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OverloadedError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Run the handler under registration admission control (a bounded, queued slot). */
    admission?: boolean;
  }
}

export interface AdmissionLimits {
  /** Handlers running at once. */
  maxInFlight: number;
  /** Requests waiting beyond those; one more is refused. */
  maxQueue: number;
  /** Longest a request waits for a slot before it is refused. */
  maxWaitMs: number;
}

export interface AdmissionStats {
  inFlight: number;
  queued: number;
  admitted: number;
  shed: number;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

/** Why a request left without running; the route answers 503 for the first two. */
export type Refusal = 'queue_full' | 'wait_budget' | 'client_gone';

export class AdmissionRefused extends Error {
  readonly reason: Refusal;
  readonly retryAfterSeconds: number;
  constructor(reason: Refusal, retryAfterSeconds: number) {
    super(`admission refused: ${reason}`);
    this.name = 'AdmissionRefused';
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A counting semaphore with a bounded FIFO queue and a wait budget. */
export class AdmissionGate {
  readonly limits: AdmissionLimits;
  readonly #queue: Waiter[] = [];
  #inFlight = 0;
  #admitted = 0;
  #shed = 0;
  /** Moving average of how long a slot is held, for Retry-After. */
  #serviceMs = 50;

  constructor(limits: AdmissionLimits) {
    if (limits.maxInFlight < 1) throw new RangeError('maxInFlight must be at least 1');
    this.limits = limits;
  }

  stats(): AdmissionStats {
    return {
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      admitted: this.#admitted,
      shed: this.#shed,
    };
  }

  /** Seconds until the queue as it stands would have drained, at least 1. */
  retryAfterSeconds(): number {
    const drainMs = ((this.#queue.length + 1) / this.limits.maxInFlight) * this.#serviceMs;
    return Math.max(1, Math.ceil(drainMs / 1000));
  }

  /**
   * Waits for a slot; resolves with its release function. Rejects with AdmissionRefused when the
   * queue is full, the wait budget runs out, or `gone` fires first (the client left).
   */
  acquire(gone?: (cancel: () => void) => void): Promise<() => void> {
    if (this.#inFlight < this.limits.maxInFlight && this.#queue.length === 0) {
      return Promise.resolve(this.#grant());
    }
    if (this.#queue.length >= this.limits.maxQueue) {
      this.#shed += 1;
      return Promise.reject(new AdmissionRefused('queue_full', this.retryAfterSeconds()));
    }
    return new Promise((resolve, reject) => {
      const leave = (reason: Refusal): void => {
        const index = this.#queue.indexOf(waiter);
        if (index < 0) return;
        this.#queue.splice(index, 1);
        clearTimeout(waiter.timer);
        if (reason !== 'client_gone') this.#shed += 1;
        reject(new AdmissionRefused(reason, this.retryAfterSeconds()));
      };
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(this.#grant());
        },
        timer: setTimeout(() => leave('wait_budget'), this.limits.maxWaitMs),
      };
      this.#queue.push(waiter);
      gone?.(() => leave('client_gone'));
    });
  }

  #grant(): () => void {
    this.#inFlight += 1;
    this.#admitted += 1;
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#serviceMs = 0.9 * this.#serviceMs + 0.1 * (performance.now() - started);
      this.#inFlight -= 1;
      // FIFO: the slot goes straight to the longest waiter.
      const next = this.#queue.shift();
      next?.admit();
    };
  }
}

/**
 * Wraps the handler of every route declared with `config.admission` (registered after this
 * call) in the gate, and publishes the gate's state as Prometheus metrics. The wrapper runs after
 * authentication and validation, so refused or malformed requests never take a place in line.
 */
export function registerAdmission(
  app: FastifyInstance,
  options: { limits: AdmissionLimits; registry: Registry },
): AdmissionGate {
  const gate = new AdmissionGate(options.limits);
  new Gauge({
    name: 'registration_admission_in_flight',
    help: 'Registration-changing requests running now',
    registers: [options.registry],
    collect() {
      this.set(gate.stats().inFlight);
    },
  });
  new Gauge({
    name: 'registration_admission_queue_depth',
    help: 'Registration-changing requests waiting for a slot',
    registers: [options.registry],
    collect() {
      this.set(gate.stats().queued);
    },
  });
  new Gauge({
    name: 'registration_admission_limit',
    help: 'Registration-changing requests allowed to run at once',
    registers: [options.registry],
    collect() {
      this.set(gate.limits.maxInFlight);
    },
  });
  const shed = new Counter({
    name: 'registration_admission_shed_total',
    help: 'Registration-changing requests refused with 503 by admission control',
    labelNames: ['reason'],
    registers: [options.registry],
  });
  const waited = new Histogram({
    name: 'registration_admission_wait_seconds',
    help: 'Time registration-changing requests waited for a slot',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [options.registry],
  });

  app.addHook('onRoute', (route) => {
    if (route.config?.admission !== true) return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = async function admitted(
      this: FastifyInstance,
      request: FastifyRequest,
      reply: FastifyReply,
    ) {
      const start = performance.now();
      let release: () => void;
      try {
        release = await gate.acquire((cancel) => {
          // The response closing before it was sent means the client went away while waiting.
          reply.raw.once('close', () => {
            if (!reply.raw.writableFinished) cancel();
          });
        });
      } catch (error) {
        if (!(error instanceof AdmissionRefused)) throw error;
        if (error.reason !== 'client_gone') shed.inc({ reason: error.reason });
        request.log.warn({ reason: error.reason, ...gate.stats() }, 'registration request shed');
        throw new OverloadedError(
          error.retryAfterSeconds,
          `Registration is very busy right now. Try again in ${error.retryAfterSeconds} s.`,
        );
      }
      waited.observe((performance.now() - start) / 1000);
      try {
        return await handler.call(this, request, reply);
      } finally {
        release();
      }
    };
  });
  return gate;
}

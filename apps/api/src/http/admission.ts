// Admission control for the registration rush: at most `maxInFlight` registration-changing
// requests run at once in this process (sized to the database pool, so none waits on a
// connection while holding locks), the rest wait in a FIFO queue up to `maxQueue` entries and
// `maxWaitMs`, and beyond that the answer is at once a 503 `overloaded` with Retry-After, never a
// pile-up of slow timeouts. Routes opt in with `config: { admission: true }`.
//
// A waiting user can see where they stand (PRODUCT I4, "a visible position"): when the user has a
// live stream open in this process, the gate reports the request's place in line on enqueue, then
// at most once a second while it changes, and once more when it is admitted or refused. The
// queue is per process and so are the reports: they go straight to the process's own streams,
// never through PostgreSQL (a NOTIFY per update would add hundreds of statements a second in the
// rush). With several processes behind a load balancer the position display therefore needs
// session affinity (the stream and the request must reach the same process); registration itself
// does not. Requests of users without a stream cost one map lookup on enqueue, and no timer runs
// while nobody watches.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { OverloadedError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Run the handler under registration admission control (a bounded, queued slot). */
    admission?: boolean;
  }
  interface FastifyInstance {
    /** The process's admission gate (live streams and the queue endpoint read positions from it). */
    admission: AdmissionGate;
  }
}

/** Reports go out at most this often per waiting request while its position changes. */
const REPORT_GAP_MS = 1000;
/** How often the gate looks for changed positions, while someone watches. */
const REPORT_TICK_MS = 250;

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

/** Who waits, for position reports; only requests of signed-in users have one. */
export interface QueueTicket {
  userId: string;
  requestId: string;
  method: string;
  path: string;
  /** When the request joined the queue (epoch ms). */
  since: number;
}

/** A request's place in line: position 1 is admitted next. */
export interface QueueWait {
  requestId: string;
  method: string;
  path: string;
  since: string;
  position: number;
  ahead: number;
  estimatedWaitSeconds: number;
}

/**
 * What a watching user is told: `waiting` with the position, then `admitted` (the request runs
 * now) or `refused` (it is answered 503; or the client left). Position, ahead and estimate are 0
 * once the request has left the queue.
 */
export interface QueueEvent extends QueueWait {
  state: 'waiting' | 'admitted' | 'refused';
  reason?: Refusal;
  retryAfterSeconds?: number;
}

/** Where position reports go: the process's live hub. */
export interface AdmissionQueueObserver {
  /** Whether the user has a stream open here; called once per queued request of a user. */
  watching(userId: string): boolean;
  report(userId: string, event: QueueEvent): void;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
  ticket: QueueTicket | undefined;
  /** Its user has a stream open: positions are reported. */
  watched: boolean;
  reportedPosition: number;
  reportedAt: number;
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
  readonly #observer: AdmissionQueueObserver | undefined;
  /** Waiters whose positions are reported; the report timer runs only while there are some. */
  #watched = 0;
  #reportTimer: NodeJS.Timeout | undefined;

  constructor(limits: AdmissionLimits, observer?: AdmissionQueueObserver) {
    if (limits.maxInFlight < 1) throw new RangeError('maxInFlight must be at least 1');
    this.limits = limits;
    this.#observer = observer;
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

  /** Seconds until the request at this position (1 = next) should get a slot, at least 1. */
  estimatedWaitSeconds(position: number): number {
    const waitMs = (position / this.limits.maxInFlight) * this.#serviceMs;
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /** The user's requests waiting in this process's queue now, in queue order. */
  waitsOf(userId: string): QueueWait[] {
    const waits: QueueWait[] = [];
    this.#queue.forEach((waiter, index) => {
      if (waiter.ticket?.userId === userId) waits.push(this.#waitOf(waiter.ticket, index + 1));
    });
    return waits;
  }

  /**
   * The user has just opened a stream: report their requests already waiting, and keep
   * reporting them (requests queued later are picked up as they join).
   */
  watch(userId: string): void {
    if (!this.#observer) return;
    this.#queue.forEach((waiter, index) => {
      if (waiter.ticket?.userId !== userId) return;
      if (!waiter.watched) this.#startWatching(waiter);
      this.#report(waiter, index + 1);
    });
  }

  /**
   * Waits for a slot; resolves with its release function. Rejects with AdmissionRefused when the
   * queue is full, the wait budget runs out, or `gone` fires first (the client left).
   */
  acquire(
    gone?: (cancel: () => void) => void,
    ticket?: () => QueueTicket | undefined,
  ): Promise<() => void> {
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
        const retryAfterSeconds = this.retryAfterSeconds();
        this.#finish(waiter, 'refused', reason, retryAfterSeconds);
        reject(new AdmissionRefused(reason, retryAfterSeconds));
      };
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          this.#finish(waiter, 'admitted');
          resolve(this.#grant());
        },
        timer: setTimeout(() => leave('wait_budget'), this.limits.maxWaitMs),
        ticket: this.#observer ? ticket?.() : undefined,
        watched: false,
        reportedPosition: 0,
        reportedAt: 0,
      };
      this.#queue.push(waiter);
      if (waiter.ticket && this.#observer?.watching(waiter.ticket.userId)) {
        this.#startWatching(waiter);
        this.#report(waiter, this.#queue.length);
      }
      gone?.(() => leave('client_gone'));
    });
  }

  #waitOf(ticket: QueueTicket, position: number): QueueWait {
    return {
      requestId: ticket.requestId,
      method: ticket.method,
      path: ticket.path,
      since: new Date(ticket.since).toISOString(),
      position,
      ahead: position - 1,
      estimatedWaitSeconds: this.estimatedWaitSeconds(position),
    };
  }

  #startWatching(waiter: Waiter): void {
    waiter.watched = true;
    this.#watched += 1;
    this.#reportTimer ??= setInterval(() => this.#reportMoves(), REPORT_TICK_MS).unref();
  }

  #stopWatching(waiter: Waiter): void {
    waiter.watched = false;
    this.#watched -= 1;
    if (this.#watched === 0 && this.#reportTimer) {
      clearInterval(this.#reportTimer);
      this.#reportTimer = undefined;
    }
  }

  #report(waiter: Waiter, position: number): void {
    if (!waiter.ticket) return;
    waiter.reportedPosition = position;
    waiter.reportedAt = performance.now();
    this.#observer?.report(waiter.ticket.userId, {
      state: 'waiting',
      ...this.#waitOf(waiter.ticket, position),
    });
  }

  /** The timer's round: report watched waiters that moved, each at most once a second. */
  #reportMoves(): void {
    const now = performance.now();
    this.#queue.forEach((waiter, index) => {
      if (!waiter.watched || !waiter.ticket) return;
      if (!this.#observer?.watching(waiter.ticket.userId)) {
        // Every stream of the user closed: stop reporting until one opens again.
        this.#stopWatching(waiter);
        return;
      }
      const position = index + 1;
      if (position !== waiter.reportedPosition && now - waiter.reportedAt >= REPORT_GAP_MS) {
        this.#report(waiter, position);
      }
    });
  }

  /** The last report of a watched waiter that left the queue. */
  #finish(
    waiter: Waiter,
    state: 'admitted' | 'refused',
    reason?: Refusal,
    retryAfterSeconds?: number,
  ): void {
    if (!waiter.watched || !waiter.ticket) return;
    this.#stopWatching(waiter);
    this.#observer?.report(waiter.ticket.userId, {
      state,
      ...this.#waitOf(waiter.ticket, 0),
      ahead: 0,
      estimatedWaitSeconds: 0,
      ...(reason ? { reason } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
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
  options: {
    limits: AdmissionLimits;
    registry: Registry;
    /** Where waiting users' places in line are reported. */
    observer?: AdmissionQueueObserver;
    /** The signed-in user of a request (the auth hook runs on onRequest, before the handler). */
    userOf?: (request: FastifyRequest) => string | undefined;
  },
): AdmissionGate {
  const { userOf } = options;
  const gate = new AdmissionGate(options.limits, options.observer);
  app.decorate('admission', gate);
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
        release = await gate.acquire(
          (cancel) => {
            // The response closing before it was sent means the client went away while waiting.
            reply.raw.once('close', () => {
              if (!reply.raw.writableFinished) cancel();
            });
          },
          // Only for a request that has to wait.
          () => {
            const userId = userOf?.(request);
            if (userId === undefined) return undefined;
            return {
              userId,
              requestId: request.id,
              method: request.method,
              path: request.url.split('?')[0] ?? request.url,
              since: Date.now(),
            };
          },
        );
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

// Background jobs with pg-boss in the application's own database, so work and its follow-up
// job commit together. On PGlite pg-boss shares the single, gated connection.
import { PgBoss } from 'pg-boss';
import type { Kysely } from 'kysely';
import { executorFor, type Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';

export interface JobOptions {
  /** Run no earlier than this. */
  startAfter?: Date;
  /** At most one queued job per key (e.g. one expiry job per offer). */
  singletonKey?: string;
  retryLimit?: number;
}

export type JobHandler<T> = (data: T) => Promise<void>;

export interface JobQueue {
  /** Queue a job; pass the transaction so the job exists only if the transaction commits. */
  send<T extends object>(
    executor: Kysely<DB>,
    name: string,
    data: T,
    options?: JobOptions,
  ): Promise<string | null>;
  /** Declares a queue and, once started, works it. Call before start(). */
  define<T extends object>(name: string, handler: JobHandler<T>): void;
  /**
   * Declares a job run on a cron schedule (UTC). The schedule lives in the database, so with
   * several processes each tick runs once, on whichever process fetches it. Call before start().
   */
  recurring(name: string, cron: string, handler: () => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly started: boolean;
}

export function createJobQueue(
  database: Database,
  options: { work: boolean } = { work: true },
): JobQueue {
  const boss = new PgBoss({
    db: database.executor,
    backend: database.kind === 'pglite' ? 'pglite' : 'postgres',
    schema: 'pgboss',
    // The embedded database has one connection: keep maintenance polling light.
    ...(database.kind === 'pglite' ? { superviseIntervalSeconds: 60 } : {}),
  });
  const handlers = new Map<string, JobHandler<object>>();
  const schedules = new Map<string, string>();
  let started = false;
  boss.on('error', (error: unknown) => {
    // pg-boss reports maintenance errors here; they must not crash the process.
    console.error('[jobs]', error);
  });
  return {
    get started() {
      return started;
    },
    async send(executor, name, data, jobOptions = {}) {
      return boss.send(name, data, {
        db: executorFor(executor),
        ...(jobOptions.startAfter ? { startAfter: jobOptions.startAfter } : {}),
        ...(jobOptions.singletonKey ? { singletonKey: jobOptions.singletonKey } : {}),
        retryLimit: jobOptions.retryLimit ?? 3,
      });
    },
    define(name, handler) {
      handlers.set(name, handler as JobHandler<object>);
    },
    recurring(name, cron, handler) {
      handlers.set(name, handler);
      schedules.set(name, cron);
    },
    async start() {
      if (started) return;
      await boss.start();
      for (const [name, handler] of handlers) {
        await boss.createQueue(name);
        if (options.work) {
          await boss.work<object>(name, { pollingIntervalSeconds: 1 }, async (jobs) => {
            for (const job of jobs) await handler(job.data);
          });
        }
      }
      if (options.work) {
        for (const [name, cron] of schedules) await boss.schedule(name, cron);
      }
      started = true;
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}

// Test harness: a fresh database per test file (a clone of the migrated template) and an app
// built exactly as the server builds it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  buildApp,
  NO_LOAD_SHEDDING,
  type BuildAppOptions,
  type UnderPressureLimits,
} from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createJobQueue, type JobQueue } from '../jobs/boss.ts';
import type { Clock } from '../lib/clock.ts';

export interface TestDatabase extends Database {
  /** The connection string of this file's own PostgreSQL database; undefined on PGlite. */
  readonly url: string | undefined;
  destroy(): Promise<void>;
}

export const onPostgres = (): boolean => inject('postgresTemplate') !== null;

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const template = inject('postgresTemplate');
  if (template) {
    const name = `${template.name}_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.url });
    await admin.connect();
    await admin.query(`create database ${name} template ${template.name}`);
    await admin.end();
    const url = withDatabaseName(template.url, name);
    const database = await openDatabase({ databaseUrl: url, poolSize: options.poolSize ?? 10 });
    return {
      ...database,
      url,
      close: () => database.close(),
      async destroy() {
        await database.close();
        await dropTestDatabase(template.url, name);
      },
    };
  }
  const dump = readFileSync(inject('pgliteTemplatePath'));
  const database = await openDatabase({ loadDataDir: new Blob([dump]) });
  return {
    ...database,
    url: undefined,
    close: () => database.close(),
    destroy: () => database.close(),
  };
}

/**
 * A database with no tables at all (not even the migration bookkeeping), for tests of migrating
 * and of readiness before migrating: in-memory PGlite, or a new PostgreSQL database.
 */
export async function createEmptyTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const template = inject('postgresTemplate');
  if (template) {
    const name = `${template.name}_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = withDatabaseName(template.url, name);
    const database = await openDatabase({ databaseUrl: url, poolSize: options.poolSize ?? 10 });
    return {
      ...database,
      url,
      close: () => database.close(),
      async destroy() {
        await database.close();
        await dropTestDatabase(template.url, name);
      },
    };
  }
  const database = await openDatabase({});
  return {
    ...database,
    url: undefined,
    close: () => database.close(),
    destroy: () => database.close(),
  };
}

/**
 * A closed pool has let go of its clients before their sessions have ended; forcing the drop then
 * would kill a session that is still saying goodbye, and its client reports the kill as an
 * unhandled error. So wait (briefly) for the sessions to end, and only then force what is left.
 */
async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  const cleanup = new pg.Client({ connectionString: adminUrl });
  await cleanup.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const { rows } = await cleanup.query<{ sessions: number }>(
        `select count(*)::int as sessions from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
        [name],
      );
      if ((rows[0]?.sessions ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await cleanup.query(`drop database if exists ${name} with (force)`);
  } finally {
    await cleanup.end();
  }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    JWT_SECRET: 'test-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    COOKIE_SECRET: 'test-cookie-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'openregistrar-test-')),
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    ...overrides,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  jobs: JobQueue;
  close(): Promise<void>;
}

// Load shedding reacts to how busy this shared machine happens to be, which no test should depend
// on: test apps turn it off unless a test asks for thresholds (http/limits.test.ts does).

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  startJobs?: boolean;
  underPressure?: UnderPressureLimits;
  rateLimit?: BuildAppOptions['rateLimit'];
  /** Build on this database instead of a fresh clone of the migrated template. */
  database?: TestDatabase;
  /** Runs after buildApp and before ready: a test may add a probe route of its own. */
  beforeReady?: (app: FastifyInstance) => void | Promise<void>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = testConfig(options.env);
  const jobs = createJobQueue(database);
  const app = await buildApp({
    config,
    database,
    jobs,
    logger: false,
    underPressure: options.underPressure ?? NO_LOAD_SHEDDING,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await options.beforeReady?.(app);
  await app.ready();
  if (options.startJobs) await jobs.start();
  return {
    app,
    database,
    config,
    jobs,
    async close() {
      await app.close();
      await jobs.stop();
      await database.destroy();
    },
  };
}

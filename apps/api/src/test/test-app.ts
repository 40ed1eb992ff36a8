// Test harness: a fresh database per test file (a clone of the migrated template) and an app
// built exactly as the server builds it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
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
        const cleanup = new pg.Client({ connectionString: template.url });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
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

export async function createTestApp(
  options: { clock?: Clock; env?: Record<string, string>; startJobs?: boolean } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const jobs = createJobQueue(database);
  const app = await buildApp({
    config,
    database,
    jobs,
    logger: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
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

// Provides, once per test run, a migrated database that every test file clones: a PGlite dump on
// disk (the install-time template) and, with TEST_DATABASE_URL, a PostgreSQL template database.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase, writeEmbeddedTemplate } from '../db/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    postgresTemplate: { url: string; name: string } | null;
  }
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function buildPostgresTemplate(url: string): Promise<{ url: string; name: string }> {
  const name = `openregistrar_tmpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const database = await openDatabase({ databaseUrl: withDatabaseName(url, name), poolSize: 2 });
  await migrateToLatest(database.db);
  await database.close();
  return { url, name };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The template `npm install` made, or made now when the migrations have changed since.
  project.provide('pgliteTemplatePath', await writeEmbeddedTemplate());
  const url = process.env.TEST_DATABASE_URL;
  const template = url ? await buildPostgresTemplate(url) : null;
  project.provide('postgresTemplate', template);
  return async () => {
    if (!template) return;
    const admin = new pg.Client({ connectionString: template.url });
    await admin.connect();
    // Test databases cloned from the template are dropped by their files; sweep leftovers too.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`${template.name}_t_%`, template.name],
    );
    for (const row of rows)
      await admin.query(`drop database if exists ${row.datname} with (force)`);
    await admin.end();
  };
}

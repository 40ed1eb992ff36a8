// The demo university: people (identity) and, with the catalog module, terms, courses and sections.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { seedDemoTuition } from '../modules/billing/billing.seed.ts';
import { seedDemoCatalog } from './demo-catalog.seed.ts';
import { seedDemoPeople } from './demo-people.seed.ts';

export type DemoSize = 'small' | 'large';

export interface DemoLogin {
  role: string;
  login: string;
  password: string;
}

export interface SeedOptions {
  size: DemoSize;
  /** Draw a progress bar on stderr. */
  progress: boolean;
}

export interface SeedResult {
  logins: DemoLogin[];
}

export async function isDatabaseEmpty(db: Kysely<DB>): Promise<boolean> {
  const row = await sql<{
    empty: boolean;
  }>`select not exists (select 1 from users) as empty`.execute(db);
  return row.rows[0]?.empty ?? true;
}

export async function seedDemoUniversity(
  db: Kysely<DB>,
  options: SeedOptions,
): Promise<SeedResult> {
  // People first: the catalog part assigns `people.instructors` to sections.
  const people = await seedDemoPeople(db, options);
  const catalog = await seedDemoCatalog(db, { size: options.size, progress: options.progress });
  await seedDemoTuition(db, catalog);
  return { logins: people.logins };
}

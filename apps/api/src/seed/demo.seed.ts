// The demo university: people (identity) and, with the catalog module, terms, courses and sections.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { seedDemoTuition } from '../modules/billing/billing.seed.ts';
import { seedDemoCatalog } from './demo-catalog.seed.ts';
import { seedDemoPeople, type SeedDemoPeopleOptions } from './demo-people.seed.ts';
import { seedDemoRecords, type DemoRecords } from './demo-records.seed.ts';

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
  /** The seed date (registration for the current term is open at it). Default: now. */
  now?: Date;
  /** Tests load fewer people than the size's. */
  peopleCounts?: SeedDemoPeopleOptions['counts'];
}

export interface SeedResult {
  logins: DemoLogin[];
  records: DemoRecords;
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
  const now = options.now ?? new Date();
  const people = await seedDemoPeople(db, {
    size: options.size,
    progress: options.progress,
    ...(options.peopleCounts ? { counts: options.peopleCounts } : {}),
  });
  const catalog = await seedDemoCatalog(db, {
    size: options.size,
    progress: options.progress,
    now,
  });
  await seedDemoTuition(db, catalog);
  // Transcripts draw from the catalog's courses; tickets go on its terms.
  const records = await seedDemoRecords(db, {
    progress: options.progress,
    now,
    terms: { open: [catalog.currentTerm, catalog.nextTerm], past: catalog.pastTerms },
    adminId: people.admin.id,
    showcaseStudentId: people.demoStudent?.id,
  });
  return { logins: people.logins, records };
}

// Shared by the interop tests: where the real catalogs live, and what a database holds after an
// import, counted straight from the tables.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SourceFile } from './interop.catalog-formats.ts';

function findRepoRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
      if (parsed.workspaces) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot(import.meta.dirname);
/** The real test data (../shared/data beside the repository). */
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');
export const HAS_SHARED_DATA = existsSync(path.join(SHARED_DATA, 'README.md'));

export function dataPath(relative: string): string {
  return path.join(SHARED_DATA, relative);
}

export function dataFile(relative: string): SourceFile {
  return { name: path.basename(relative), content: readFileSync(dataPath(relative)) };
}

export function warnWithoutSharedData(what: string): void {
  if (!HAS_SHARED_DATA) {
    console.warn(`Skipping ${what}: the real catalogs are not at ${SHARED_DATA}.`);
  }
}

export interface CatalogFacts {
  terms: number;
  subjects: number;
  courses: number;
  sections: number;
  capacity: number;
  enrolled: number;
  meetings: number;
  arrangedMeetings: number;
  instructors: number;
  reservedRules: number;
  reservedSeats: number;
  coursesWithPrerequisites: number;
  coursesWithCorequisites: number;
  importedEnrolment: number;
  importedEnrolmentSections: number;
  /** Changes when any catalog row is inserted, updated or replaced. */
  fingerprint: string;
}

/** Everything an import may have written, counted over the whole database. */
export async function catalogFacts(db: Kysely<DB>): Promise<CatalogFacts> {
  const result = await sql<Record<keyof CatalogFacts, number | string | null>>`
    select
      (select count(*) from terms) as terms,
      (select count(*) from subjects) as subjects,
      (select count(*) from courses) as courses,
      (select count(*) from sections) as sections,
      (select coalesce(sum(capacity), 0) from sections) as capacity,
      (select coalesce(sum(enrolled), 0) from sections) as enrolled,
      (select count(*) from section_meetings) as meetings,
      (select count(*) from section_meetings where start_time is null) as "arrangedMeetings",
      (select count(*) from section_instructors) as instructors,
      (select count(*) from section_reserved_seats) as "reservedRules",
      (select coalesce(sum(seats), 0) from section_reserved_seats) as "reservedSeats",
      (select count(*) from courses where prerequisites is not null) as "coursesWithPrerequisites",
      (select count(*) from courses where corequisites is not null) as "coursesWithCorequisites",
      (select coalesce(sum(enrolment), 0) from section_imported_enrolments) as "importedEnrolment",
      (select count(*) from section_imported_enrolments) as "importedEnrolmentSections",
      md5(concat_ws('|',
        (select string_agg(code || name || updated_at::text, ',' order by code) from terms),
        (select string_agg(code || name, ',' order by code) from subjects),
        (select string_agg(id::text || updated_at::text, ',' order by id) from courses),
        (select string_agg(id::text || updated_at::text, ',' order by id) from sections),
        (select string_agg(id::text, ',' order by id) from section_meetings),
        (select string_agg(section_id::text || position || name, ',' order by section_id, position)
          from section_instructors),
        (select string_agg(id::text, ',' order by id) from section_reserved_seats),
        (select string_agg(section_id::text || enrolment, ',' order by section_id)
          from section_imported_enrolments)
      )) as fingerprint`.execute(db);
  const row = result.rows[0]!;
  const facts = {} as Record<string, number | string>;
  for (const [key, value] of Object.entries(row)) {
    facts[key] = key === 'fingerprint' ? String(value) : Number(value);
  }
  return facts as unknown as CatalogFacts;
}

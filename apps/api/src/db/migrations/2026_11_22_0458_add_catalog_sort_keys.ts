// Precomputed folded keys for catalog search: sorting by title and matching instructor names then
// read stored columns instead of running unaccent() on every row of a term.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table courses add column title_key text generated always as (catalog_fold(title)) stored;
    alter table sections add column title_key text generated always as (catalog_fold(title)) stored;

    alter table section_instructors add column name_vector tsvector generated always as (
      to_tsvector('simple'::regconfig, catalog_fold(name))
    ) stored;
    drop index section_instructors_name_idx;
    create index section_instructors_name_idx on section_instructors using gin (name_vector);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop index section_instructors_name_idx;
    alter table section_instructors drop column name_vector;
    create index section_instructors_name_idx on section_instructors using gin (catalog_fold(name) gin_trgm_ops);
    alter table sections drop column title_key;
    alter table courses drop column title_key;
  `,
  );
}

// Catalog imports run as background jobs: their status, progress and summary, the uploaded files
// (kept in the database so any API process can run the job), and the real enrolment a source file
// reports, which is kept apart from the seat counters (those must equal registration rows).
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table catalog_imports (
      id uuid primary key,
      format text not null,
      term_code text not null,
      -- termName, timeZone, startsOn, endsOn, defaultCapacity as given at upload.
      options jsonb not null default '{}',
      status text not null default 'queued'
        check (status in ('queued','running','succeeded','failed')),
      phase text,
      progress_done integer not null default 0 check (progress_done >= 0),
      progress_total integer not null default 0 check (progress_total >= 0),
      summary jsonb,
      error_code text,
      error_message text,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    create index catalog_imports_created_idx on catalog_imports (created_at desc, id desc);

    -- The content is dropped once the import has finished; name and size stay for the record.
    create table catalog_import_files (
      import_id uuid not null references catalog_imports(id) on delete cascade,
      position integer not null,
      name text not null,
      size_bytes integer not null check (size_bytes >= 0),
      content bytea,
      primary key (import_id, position)
    );

    create table section_imported_enrolments (
      section_id uuid primary key references sections(id) on delete cascade,
      enrolment integer not null check (enrolment >= 0),
      source_format text not null
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop table section_imported_enrolments, catalog_import_files, catalog_imports;
  `,
  );
}

// Bulk section inserts (demo seed, catalog imports) give each section its course code and meeting
// summary up front: the row trigger then fills the code only when it is missing, and the meeting
// triggers find nothing to correct, so a batch of sections is written once instead of twice.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop trigger sections_course_code on sections;
    create trigger sections_course_code_inserted before insert on sections
      for each row when (new.course_code is null) execute function catalog_section_course_code();
    create trigger sections_course_code_updated before update of course_id on sections
      for each row execute function catalog_section_course_code();
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop trigger sections_course_code_updated on sections;
    drop trigger sections_course_code_inserted on sections;
    create trigger sections_course_code before insert or update of course_id on sections
      for each row execute function catalog_section_course_code();
  `,
  );
}

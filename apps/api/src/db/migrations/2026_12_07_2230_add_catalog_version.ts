// The version of the catalog facts the registration engine keeps in memory per process (the
// term's dates and credit limits, its time-ticket rules, each section's meetings, instructors and
// linked siblings): every statement that changes them bumps this one row, by trigger, in its own
// transaction. The facts statement reads only the row's version; a process reads the facts again
// when it differs. The row's xmin is part of the version, so facts read inside a transaction that
// later rolls back are never mistaken for a committed version.
//
// Hot registration writes never fire these: the seat statements set only enrolled/waitlisted, and
// capacity, waitlist settings and prerequisites are read live by the facts statement. Registration
// only reads the row, so only catalog writers wait for each other on it; the triggers run before
// each statement, so a writer takes the row before the rows it changes, and two writers queue at
// their first catalog statement instead of deadlocking over a section both touch.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

const WATCHED: ReadonlyArray<[table: string, events: string]> = [
  ['terms', 'insert or update or delete'],
  ['time_ticket_rules', 'insert or update or delete'],
  ['sections', 'insert or delete or update of course_id, term_id, section_code, kind, linked_group, status'],
  ['courses', 'delete or update of code'],
  ['section_meetings', 'insert or update or delete'],
  ['section_instructors', 'insert or update or delete'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table catalog_version (
      only_row boolean primary key default true check (only_row),
      version bigint not null default 1
    );
    insert into catalog_version default values;
    create function catalog_version_bump() returns trigger language plpgsql as $$
      begin update catalog_version set version = version + 1; return null; end $$;
    ${WATCHED.map(
      ([table, events]) =>
        `create trigger ${table}_catalog_version before ${events} on ${table}
          for each statement execute function catalog_version_bump();`,
    ).join('\n')}
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    ${WATCHED.map(([table]) => `drop trigger ${table}_catalog_version on ${table};`).join('\n')}
    drop function catalog_version_bump();
    drop table catalog_version;
  `,
  );
}

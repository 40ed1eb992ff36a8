import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    -- Student numbers for sign-ups and admin-created students: eight digits, never reused.
    create sequence student_number_seq as bigint start with 10000001 minvalue 10000001;

    create index password_reset_tokens_user_idx on password_reset_tokens (user_id);
    -- The admin user list pages by (name, id) and filters by role.
    create index users_name_id_idx on users (name, id);
    create index users_roles_idx on users using gin (roles);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop index users_roles_idx;
    drop index users_name_id_idx;
    drop index password_reset_tokens_user_idx;
    drop sequence student_number_seq;
  `,
  );
}

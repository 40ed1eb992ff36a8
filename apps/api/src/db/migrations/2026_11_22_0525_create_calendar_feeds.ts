// Private calendar subscription feeds: one per user, named by a random public id; the URL's
// secret half is an HMAC of that id under the server's secret, so a database copy alone cannot
// read anyone's schedule, and regenerating the id revokes the old URL.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create table calendar_feeds (
      user_id uuid primary key references users(id) on delete cascade,
      feed_id text not null unique,
      created_at timestamptz not null default now(),
      last_read_at timestamptz
    );
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `drop table calendar_feeds;`);
}

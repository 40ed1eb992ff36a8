// Every drop (and every cancellation) turns the pending swaps that named the dropped registration
// into plain wait-list entries: `where swap_drop_registration_id = $1`. Without an index that was
// a scan of the whole registrations table inside the drop's transaction — in the rush benchmark
// about 5,000 rows read per drop, 1.5 ms of PostgreSQL per drop, and growing with every term.
// Pending swaps are few, so the index holds only the rows that name one.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `create index registrations_pending_swap_idx on registrations (swap_drop_registration_id)
      where swap_drop_registration_id is not null;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `drop index registrations_pending_swap_idx;`);
}

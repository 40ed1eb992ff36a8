// A statement that commits in the same round trip (COMMIT_AFTER_MARK, db/pipelined-client.ts)
// cannot be rolled back by its caller afterwards. When such a statement finds it must not stand
// (another request stored the same Idempotency-Key first) it calls this function, which aborts it
// with a serialization failure: the transaction rolls back and the engine retries it, as it would
// after any lost race.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create function registration_retry(reason text) returns integer language plpgsql as $$
      begin raise exception using errcode = '40001', message = 'retry: ' || reason; end $$;
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(db, `drop function registration_retry(text);`);
}

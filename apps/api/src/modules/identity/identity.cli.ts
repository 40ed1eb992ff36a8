// CLI entry points of the identity module (create-admin).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export async function createAdminFromCli(
  _db: Kysely<DB>,
  _input: { email: string; password: string; name: string },
): Promise<void> {
  throw new Error('create-admin arrives with the identity module');
}

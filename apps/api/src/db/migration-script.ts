// Runs a migration written as one SQL script. PGlite's query() takes a single statement, so the
// script is split at semicolons that end a line (migrations keep function bodies off that form).
import { sql, type Kysely } from 'kysely';

export async function runScript(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}

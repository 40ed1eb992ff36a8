// CLI entry points of the identity module (create-admin): domain errors become plain messages.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { createAdministrator } from './identity.service.ts';
import type { User } from './identity.schemas.ts';

/** Creates an administrator; throws an Error whose message the CLI prints as it is. */
export async function createAdminFromCli(
  db: Kysely<DB>,
  input: { email: string; password: string; name: string },
): Promise<User> {
  try {
    return await createAdministrator({ db }, input);
  } catch (error) {
    if (error instanceof AppError) {
      throw new Error(describeForCli(error, input.email), { cause: error });
    }
    throw error;
  }
}

function describeForCli(error: AppError, email: string): string {
  if (error.code === 'email_taken')
    return `an account with the email ${email.trim()} already exists`;
  const items = error.errors ?? [];
  if (items.length === 0) return error.message;
  const byField = new Map<string, string[]>();
  for (const item of items) {
    const field = item.path ?? 'input';
    byField.set(field, [...(byField.get(field) ?? []), item.message]);
  }
  return [...byField]
    .map(([field, messages]) =>
      field === 'password'
        ? `weak password: ${messages.join(' ')}`
        : `invalid ${field}: ${messages.join(' ')}`,
    )
    .join('; ');
}

// Reads behind the live streams: term existence and a user's notifications after a cursor.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { isId } from '../../lib/ids.ts';

type Executor = Kysely<DB> | Transaction<DB>;

export interface StreamedNotification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

export async function termExists(db: Executor, termId: string): Promise<boolean> {
  if (!isId(termId)) return false;
  const row = await db.selectFrom('terms').select('id').where('id', '=', termId).executeTakeFirst();
  return row !== undefined;
}

/** The id of the user's newest notification: a stream sends only what comes after it. */
export async function findLatestNotificationId(
  db: Executor,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('notifications')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Notifications newer than `afterId` (UUIDv7 ids sort by creation), oldest first. */
export async function listNotificationsAfter(
  db: Executor,
  userId: string,
  afterId: string | undefined,
  limit: number,
): Promise<StreamedNotification[]> {
  let query = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'data', 'created_at', 'read_at'])
    .where('user_id', '=', userId);
  if (afterId !== undefined) query = query.where('id', '>', afterId);
  const rows = await query.orderBy('id', 'asc').limit(limit).execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: row.data,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
  }));
}

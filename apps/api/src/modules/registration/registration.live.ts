// Live seat counts and notification pings across every API process, over PostgreSQL NOTIFY.
//
// Why not a trigger on sections that NOTIFYs: PostgreSQL serializes the commits of all
// transactions that sent a NOTIFY (one database-wide lock held through the commit's WAL flush).
// Measured here with pgbench at 50 clients, a one-row update ran at 3,285 tx/s alone and 527 tx/s
// with a pg_notify in the same transaction. So the registration transaction notifies nobody:
// after it commits, the service tells this hub which sections changed; the hub gathers them for
// PUBLISH_INTERVAL_MS and sends one NOTIFY per batch from outside the storm's transactions, with
// the counts as they are then. Every process LISTENs on one dedicated connection, coalesces what
// arrives per section for FANOUT_INTERVAL_MS and hands the latest counts to its SSE clients.
//
// Places in the admission queue (http/admission.ts) are the exception: the queue belongs to one
// process, so its reports go only to that process's own streams of the user, never through NOTIFY.
import { sql } from 'kysely';
import type { AdmissionQueueObserver, QueueEvent } from '../../http/admission.ts';
import type { Database } from '../../db/database.ts';
import { availableSeats } from '../catalog/catalog.repo.ts';

export const SEATS_CHANNEL = 'openregistrar_seats';
export const NOTIFICATIONS_CHANNEL = 'openregistrar_notifications';
const PUBLISH_INTERVAL_MS = 50;
const FANOUT_INTERVAL_MS = 100;
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more: ~110 bytes per section, 60 a batch. */
const SECTIONS_PER_NOTIFY = 60;
const USERS_PER_NOTIFY = 150;

export interface SeatCounts {
  sectionId: string;
  enrolled: number;
  available: number;
  waitlisted: number;
}

export type SeatListener = (counts: SeatCounts) => void;
export type NotificationPing = () => void;
export type QueueListener = (event: QueueEvent) => void;

export interface LiveHubStats {
  seatSubscribers: number;
  notificationSubscribers: number;
  published: number;
  queueSubscribers: number;
  /** Queue reports handed to this process's streams (none go through the database). */
  queueReports: number;
}

export interface LiveHub {
  /** Call after a commit that changed these sections' enrolled, waitlisted, capacity or status. */
  seatsChanged(sectionIds: Iterable<string>): void;
  /** Call after a commit that created notifications for these users. */
  notificationsCreated(userIds: Iterable<string>): void;
  /** Latest counts of the term's sections, at most one per section per ~100 ms. */
  subscribeSeats(termId: string, listener: SeatListener): Promise<() => void>;
  /** A ping when the user has new notifications (the caller reads them). */
  subscribeNotifications(userId: string, listener: NotificationPing): Promise<() => void>;
  /** The user's places in this process's admission queue; local only, so nothing to await. */
  subscribeQueue(userId: string, listener: QueueListener): () => void;
  /** What the admission gate reports to (see http/admission.ts). */
  readonly queue: AdmissionQueueObserver;
  /** Sends what is pending now (tests and shutdown), instead of at the next tick. */
  flush(): Promise<void>;
  stats(): LiveHubStats;
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's live hub (bench and tests report changes through it). */
    live: LiveHub;
  }
}

export interface LiveHubLogger {
  warn(object: unknown, message: string): void;
}

/** One NOTIFY entry: [sectionId, termId, enrolled, capacity, waitlisted, status]. */
type SeatEntry = [string, string, number, number, number, string];

export function createLiveHub(deps: { database: Database; logger: LiveHubLogger }): LiveHub {
  const { database, logger } = deps;
  const dirtySections = new Set<string>();
  const dirtyUsers = new Set<string>();
  const seatSubscribers = new Map<string, Set<SeatListener>>();
  const notificationSubscribers = new Map<string, Set<NotificationPing>>();
  const queueSubscribers = new Map<string, Set<QueueListener>>();
  let queueReports = 0;
  /** Latest counts per section received since the last fan-out, with their term. */
  const pendingCounts = new Map<string, { termId: string; counts: SeatCounts }>();
  let publishTimer: NodeJS.Timeout | undefined;
  let fanoutTimer: NodeJS.Timeout | undefined;
  let publishing: Promise<void> = Promise.resolve();
  let listening: Promise<Array<() => Promise<void>>> | undefined;
  let published = 0;
  let stopped = false;

  function schedulePublish(): void {
    if (publishTimer || stopped) return;
    publishTimer = setTimeout(() => {
      publishTimer = undefined;
      void publishPending();
    }, PUBLISH_INTERVAL_MS);
  }

  function publishPending(): Promise<void> {
    // One publish at a time, so batches leave in the order their changes were reported.
    publishing = publishing.then(async () => {
      const sections = [...dirtySections];
      const users = [...dirtyUsers];
      dirtySections.clear();
      dirtyUsers.clear();
      try {
        if (sections.length > 0) {
          // One statement: the current counts of every changed section, one NOTIFY per chunk.
          await sql`
            /* cached-plan */ -- several times a second under load (CACHED_PLAN_MARK)
            select pg_notify(${SEATS_CHANNEL}, json_agg(json_build_array(
                s.id, s.term_id, s.enrolled, s.capacity, s.waitlisted, s.status))::text)
            from unnest(${sections}::uuid[]) with ordinality as u(id, n)
            join sections s on s.id = u.id
            group by (u.n - 1) / ${SECTIONS_PER_NOTIFY}`.execute(database.db);
        }
        for (let i = 0; i < users.length; i += USERS_PER_NOTIFY) {
          const chunk = JSON.stringify(users.slice(i, i + USERS_PER_NOTIFY));
          await sql`select pg_notify(${NOTIFICATIONS_CHANNEL}, ${chunk})`.execute(database.db);
        }
        published += sections.length + users.length;
      } catch (error) {
        // Live counts are a convenience: the next change publishes fresh counts again.
        if (!stopped) logger.warn({ err: error }, 'live update could not be published');
      }
    });
    return publishing;
  }

  function onSeatsPayload(payload: string): void {
    let entries: SeatEntry[];
    try {
      entries = JSON.parse(payload) as SeatEntry[];
    } catch {
      return;
    }
    for (const [sectionId, termId, enrolled, capacity, waitlisted, status] of entries) {
      if (!seatSubscribers.has(termId)) continue;
      pendingCounts.set(sectionId, {
        termId,
        counts: {
          sectionId,
          enrolled,
          available: availableSeats({ status, capacity, enrolled }),
          waitlisted,
        },
      });
    }
    if (pendingCounts.size > 0) fanoutTimer ??= setTimeout(fanOut, FANOUT_INTERVAL_MS);
  }

  function fanOut(): void {
    fanoutTimer = undefined;
    const batch = [...pendingCounts.values()];
    pendingCounts.clear();
    for (const { termId, counts } of batch) {
      for (const listener of seatSubscribers.get(termId) ?? []) listener(counts);
    }
  }

  function onNotificationsPayload(payload: string): void {
    let userIds: string[];
    try {
      userIds = JSON.parse(payload) as string[];
    } catch {
      return;
    }
    for (const userId of userIds) {
      for (const ping of notificationSubscribers.get(userId) ?? []) ping();
    }
  }

  /** LISTEN only once a client subscribes: processes without streams keep their connection. */
  function ensureListening(): Promise<unknown> {
    listening ??= Promise.all([
      database.listen(SEATS_CHANNEL, onSeatsPayload),
      database.listen(NOTIFICATIONS_CHANNEL, onNotificationsPayload),
    ]).catch((error: unknown) => {
      listening = undefined;
      throw error;
    });
    return listening;
  }

  function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): () => void {
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(value);
    return () => {
      const current = map.get(key);
      if (current?.delete(value) && current.size === 0) map.delete(key);
    };
  }

  function countSubscribers<K, V>(map: Map<K, Set<V>>): number {
    let total = 0;
    for (const set of map.values()) total += set.size;
    return total;
  }

  return {
    seatsChanged(sectionIds) {
      for (const id of sectionIds) dirtySections.add(id);
      if (dirtySections.size > 0) schedulePublish();
    },
    notificationsCreated(userIds) {
      for (const id of userIds) dirtyUsers.add(id);
      if (dirtyUsers.size > 0) schedulePublish();
    },
    async subscribeSeats(termId, listener) {
      const remove = addTo(seatSubscribers, termId, listener);
      try {
        await ensureListening();
      } catch (error) {
        remove();
        throw error;
      }
      return remove;
    },
    async subscribeNotifications(userId, listener) {
      const remove = addTo(notificationSubscribers, userId, listener);
      try {
        await ensureListening();
      } catch (error) {
        remove();
        throw error;
      }
      return remove;
    },
    subscribeQueue(userId, listener) {
      return addTo(queueSubscribers, userId, listener);
    },
    queue: {
      watching: (userId) => queueSubscribers.has(userId),
      report(userId, event) {
        const listeners = queueSubscribers.get(userId);
        if (!listeners) return;
        queueReports += 1;
        for (const listener of listeners) listener(event);
      },
    },
    async flush() {
      if (publishTimer) {
        clearTimeout(publishTimer);
        publishTimer = undefined;
      }
      await publishPending();
    },
    stats() {
      return {
        seatSubscribers: countSubscribers(seatSubscribers),
        notificationSubscribers: countSubscribers(notificationSubscribers),
        published,
        queueSubscribers: countSubscribers(queueSubscribers),
        queueReports,
      };
    },
    async stop() {
      if (publishTimer) {
        clearTimeout(publishTimer);
        publishTimer = undefined;
        await publishPending();
      }
      stopped = true;
      if (fanoutTimer) clearTimeout(fanoutTimer);
      await publishing;
      const unlisten = await listening?.catch(() => []);
      listening = undefined;
      for (const stop of unlisten ?? []) await stop().catch(() => undefined);
      seatSubscribers.clear();
      notificationSubscribers.clear();
      queueSubscribers.clear();
    },
  };
}

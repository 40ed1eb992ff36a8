// Server-Sent Events: live seat counts of a term and the signed-in user's own notifications.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { NotFoundError, OverloadedError } from '../../http/errors.ts';
import { requireAuth } from '../../http/auth.ts';
import type { SeatCounts } from './registration.live.ts';
import {
  findLatestNotificationId,
  listNotificationsAfter,
  termExists,
} from './registration.live.repo.ts';

const HEARTBEAT_MS = 20_000;
/** Streams end after this long; EventSource reconnects with the (by then refreshed) session. */
const MAX_STREAM_MS = 10 * 60_000;
/** A client this far behind is not reading: drop it rather than buffer without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const RECONNECT_MS = 3000;
const NOTIFICATIONS_PER_READ = 50;

const StreamQuery = Type.Object({
  notifications: Type.Optional(
    Type.Boolean({
      default: true,
      description: 'Also send the signed-in user’s new notifications as `notification` events',
    }),
  ),
});

const eventStreamResponse = (description: string) => ({
  200: {
    description,
    content: { 'text/event-stream': { schema: Type.String() } },
  },
});

/** One open text/event-stream response. */
class EventStream {
  readonly #raw: ServerResponse;
  readonly #cleanups: Array<() => void> = [];
  #closed = false;

  constructor(raw: ServerResponse) {
    this.#raw = raw;
    raw.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(event: string, data: unknown, id?: string): void {
    this.#write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  onClose(cleanup: () => void): void {
    if (this.#closed) cleanup();
    else this.#cleanups.push(cleanup);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    if (!this.#raw.writableEnded) this.#raw.end();
  }

  #write(chunk: string): void {
    if (this.#closed) return;
    if (this.#raw.writableLength > MAX_BUFFERED_BYTES) {
      this.close();
      return;
    }
    this.#raw.write(chunk);
  }
}

export interface LiveRoutesOptions {
  deps: AppDeps;
}

export const liveRoutes: FastifyPluginAsync<LiveRoutesOptions> = async (plugin, options) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { live, database } = options.deps;
  const db = database.db;
  const open = new Set<EventStream>();

  // Open streams are never idle: end them so that closing the server does not wait on them.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.close();
  });

  /** Sends the headers the hooks prepared (CORS, security) and turns the reply into a stream. */
  function startStream(request: FastifyRequest, reply: FastifyReply): EventStream {
    reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) headers[name] = value;
    }
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies (nginx) must pass events through as they come.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    reply.raw.flushHeaders();
    const stream = new EventStream(reply.raw);
    open.add(stream);
    stream.onClose(() => open.delete(stream));
    stream.send('ready', { requestId: request.id });
    reply.raw.write(`retry: ${RECONNECT_MS}\n\n`);
    const heartbeat = setInterval(() => stream.comment('ping'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => stream.close(), MAX_STREAM_MS);
    stream.onClose(() => {
      clearInterval(heartbeat);
      clearTimeout(lifetime);
    });
    return stream;
  }

  /**
   * Subscribes the stream to the user's notifications: each ping reads what is newer than the
   * last one sent (or than Last-Event-ID after a reconnect) and sends it.
   */
  async function attachNotifications(
    request: FastifyRequest,
    userId: string,
  ): Promise<(stream: EventStream) => void> {
    const lastEventId = request.headers['last-event-id'];
    let cursor =
      typeof lastEventId === 'string' && lastEventId.length > 0 && lastEventId.length <= 64
        ? lastEventId
        : await findLatestNotificationId(db, userId);
    const resumed = typeof lastEventId === 'string' && lastEventId.length > 0;
    let reading: Promise<void> = Promise.resolve();
    let again = false;
    let stream: EventStream | undefined;

    const readNew = (): void => {
      if (!stream || stream.closed) return;
      again = true;
      reading = reading.then(async () => {
        while (again && stream && !stream.closed) {
          again = false;
          try {
            const items = await listNotificationsAfter(db, userId, cursor, NOTIFICATIONS_PER_READ);
            for (const item of items) {
              stream.send('notification', item, item.id);
              cursor = item.id;
            }
            if (items.length === NOTIFICATIONS_PER_READ) again = true;
          } catch (error) {
            request.log.warn({ err: error }, 'notifications could not be read for a stream');
          }
        }
      });
    };
    const unsubscribe = await live.subscribeNotifications(userId, readNew);
    return (opened) => {
      stream = opened;
      opened.onClose(unsubscribe);
      // Whatever arrived between the reconnect and now.
      if (resumed) readNew();
    };
  }

  app.get(
    '/terms/:termId/seats/stream',
    {
      config: { roles: [] },
      schema: {
        tags: ['registration'],
        summary: 'Live seat counts of the term’s sections (Server-Sent Events)',
        description:
          'Event `seats` with `{sectionId, enrolled, available, waitlisted}` whenever a section’s ' +
          'counts change (at most one per section every ~100 ms); event `notification` with the ' +
          'signed-in user’s new notifications (unless `notifications=false`); a comment every ' +
          '20 s keeps proxies from closing the connection. The stream ends after 10 minutes and ' +
          'EventSource reconnects.',
        params: Type.Object({ termId: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: StreamQuery,
        response: eventStreamResponse('An event stream'),
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      if (!(await termExists(db, request.params.termId))) throw new NotFoundError('The term');
      // Counts that arrive before the stream is open wait here.
      const early: SeatCounts[] = [];
      const target: { stream?: EventStream } = {};
      const unsubscribeSeats = await live
        .subscribeSeats(request.params.termId, (counts) => {
          if (target.stream) target.stream.send('seats', counts);
          else early.push(counts);
        })
        .catch((error: unknown) => {
          request.log.warn({ err: error }, 'live updates are unavailable');
          throw new OverloadedError(RECONNECT_MS / 1000, 'Live updates are unavailable right now.');
        });
      let attach: ((stream: EventStream) => void) | undefined;
      try {
        if (request.query.notifications !== false) {
          attach = await attachNotifications(request, auth.userId);
        }
      } catch (error) {
        unsubscribeSeats();
        throw error;
      }
      const stream = startStream(request, reply);
      target.stream = stream;
      stream.onClose(unsubscribeSeats);
      attach?.(stream);
      for (const counts of early.splice(0)) stream.send('seats', counts);
    },
  );

  app.get(
    '/me/notifications/stream',
    {
      config: { roles: [] },
      schema: {
        tags: ['registration'],
        summary: 'The signed-in user’s new notifications (Server-Sent Events)',
        description:
          'Event `notification` with `{id, kind, title, body, data, createdAt, readAt}` for each ' +
          'new notification; the event id is the notification id, so a reconnect (Last-Event-ID) ' +
          'resumes where the stream stopped.',
        response: eventStreamResponse('An event stream'),
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const attach = await attachNotifications(request, auth.userId).catch((error: unknown) => {
        request.log.warn({ err: error }, 'live updates are unavailable');
        throw new OverloadedError(RECONNECT_MS / 1000, 'Live updates are unavailable right now.');
      });
      attach(startStream(request, reply));
    },
  );
};

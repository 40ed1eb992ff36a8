// Server-Sent Events: live seat counts of a term and the signed-in user's own notifications and
// places in the admission queue; and the queue places as plain JSON for clients without SSE.
import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { NotFoundError, OverloadedError } from '../../http/errors.ts';
import { requireAuth } from '../../http/auth.ts';
import type { SeatCounts } from './registration.live.ts';
import { QueueWaitList } from './registration.queue.schemas.ts';
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

/**
 * Why positions need session affinity: the admission queue is per process, and so are the
 * position reports (a NOTIFY per report would cost hundreds of statements a second in the rush).
 */
const QUEUE_EVENTS_DOC =
  'Event `queue` with `{state, requestId, method, path, since, position, ahead, ' +
  'estimatedWaitSeconds}` while one of the user’s registration-changing requests waits for a ' +
  'slot in this process: when it joins the line, then at most once a second while its position ' +
  'changes, and a last one with state `admitted` or `refused` (position 0). The queue is per API ' +
  'process and positions are only sent to streams of the same process: behind a load balancer ' +
  'with several processes the position display needs session affinity (registration itself ' +
  'does not).';

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

  /** Sends the user's places in this process's admission queue to the stream. */
  function attachQueue(stream: EventStream, userId: string): void {
    stream.onClose(live.subscribeQueue(userId, (event) => stream.send('queue', event)));
    // Requests that were already waiting when the stream opened.
    app.admission.watch(userId);
  }

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
          'EventSource reconnects. ' +
          QUEUE_EVENTS_DOC,
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
      attachQueue(stream, auth.userId);
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
          'resumes where the stream stopped. ' +
          QUEUE_EVENTS_DOC,
        response: eventStreamResponse('An event stream'),
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const attach = await attachNotifications(request, auth.userId).catch((error: unknown) => {
        request.log.warn({ err: error }, 'live updates are unavailable');
        throw new OverloadedError(RECONNECT_MS / 1000, 'Live updates are unavailable right now.');
      });
      const stream = startStream(request, reply);
      attach(stream);
      attachQueue(stream, auth.userId);
    },
  );

  app.get(
    '/me/registration-queue',
    {
      config: { roles: [] },
      schema: {
        tags: ['registration'],
        summary: 'The caller’s requests waiting for admission now, with their place in line',
        description:
          'For clients that cannot hold a stream: poll while a registration, drop, swap or ' +
          'checkout is pending. `position` 1 is admitted next; `estimatedWaitSeconds` is rough. ' +
          'The queue is per API process, so this answers for the process that serves this call: ' +
          'with several processes behind a load balancer it needs session affinity (registration ' +
          'itself does not). Empty when nothing waits.',
        response: { 200: QueueWaitList },
      },
    },
    async (request) => ({ items: app.admission.waitsOf(requireAuth(request).userId) }),
  );
};

// Places in the admission queue (http/admission.ts): the `queue` event of the live streams and
// GET /me/registration-queue.
import { Type, type Static } from 'typebox';

const waitFields = {
  requestId: Type.String({ description: 'The waiting request’s X-Request-Id' }),
  method: Type.String({ description: 'HTTP method of the waiting request' }),
  path: Type.String({ description: 'Path of the waiting request' }),
  since: Type.String({ format: 'date-time', description: 'When it joined the queue' }),
  position: Type.Integer({ minimum: 0, description: '1 is admitted next; 0 once it has left' }),
  ahead: Type.Integer({ minimum: 0, description: 'Requests ahead of it in line' }),
  estimatedWaitSeconds: Type.Integer({
    minimum: 0,
    description: 'Rough wait for a slot, from the recent time a slot is held',
  }),
};

export const QueueWait = Type.Object(waitFields);

export const QueueWaitList = Type.Object({
  items: Type.Array(QueueWait, { description: 'The caller’s requests waiting now, in line order' }),
});

/** Data of the `queue` event on the live streams. */
export const QueueEvent = Type.Object({
  state: Type.Union([Type.Literal('waiting'), Type.Literal('admitted'), Type.Literal('refused')]),
  ...waitFields,
  reason: Type.Optional(
    Type.Union([
      Type.Literal('queue_full'),
      Type.Literal('wait_budget'),
      Type.Literal('client_gone'),
    ]),
  ),
  retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
});

export type QueueWaitList = Static<typeof QueueWaitList>;
export type QueueEvent = Static<typeof QueueEvent>;

// A student whose registration waits for admission sees their place in line on their own live
// stream, counting down to admission; other users see nothing of it; GET /me/registration-queue
// reports the same wait; and with no stream open nothing is reported at all. Slots are held by a
// probe route under the same admission control, so the real registration route queues behind it.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signedInAs } from '../../test/auth-helpers.ts';
import { EventStreamReader, type ServerSentEvent } from '../../test/event-stream.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { QueueEvent, QueueWaitList } from './registration.queue.schemas.ts';
import {
  insertFixtureSection,
  insertFixtureTerm,
  type FixtureSection,
} from './registration.test-fixtures.ts';

interface Hold {
  promise: Promise<void>;
  release: () => void;
}

const queueData = (event: ServerSentEvent): QueueEvent => JSON.parse(event.data) as QueueEvent;

describe('place in the admission queue', () => {
  let t: TestApp;
  let base: string;
  let section: FixtureSection;
  let secondSection: FixtureSection;
  const holds = new Map<string, Hold>();
  /** Probe requests in the order they got a slot. */
  const started: string[] = [];
  const released = new Set<string>();
  const readers: EventStreamReader[] = [];
  const pending: Array<Promise<unknown>> = [];

  const hold = (name: string): Hold => {
    let entry = holds.get(name);
    if (!entry) {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      entry = { promise, release };
      holds.set(name, entry);
    }
    return entry;
  };

  /** Holds a slot (or a place in line) until released; anonymous unless headers say otherwise. */
  const occupy = (name: string, headers: Record<string, string> = {}) => {
    const response = fetch(`${base}/test/hold/${name}`, {
      method: 'POST',
      headers: { 'x-request-id': name, ...headers },
    });
    pending.push(response);
    return response;
  };

  /** Frees the slot held longest. */
  const releaseOne = (): void => {
    const name = started.find((n) => !released.has(n));
    if (!name) throw new Error('no held slot to release');
    released.add(name);
    hold(name).release();
  };

  const gate = () => t.app.admission.stats();

  /** Every slot of the process taken by probes that wait for release. */
  const fillSlots = async (prefix: string): Promise<void> => {
    const slots = t.app.admission.limits.maxInFlight;
    for (let i = 0; i < slots; i += 1) void occupy(`${prefix}-${i}`);
    await vi.waitFor(() => expect(gate().inFlight).toBe(slots));
  };

  const openStream = async (headers: Record<string, string>) => {
    const reader = await new EventStreamReader().open(
      `${base}/api/v1/me/notifications/stream`,
      headers,
    );
    readers.push(reader);
    await reader.waitFor((e) => e.event === 'ready');
    return reader;
  };

  const queueEvents = (reader: EventStreamReader): QueueEvent[] =>
    reader.events.filter((e) => e.event === 'queue').map(queueData);

  beforeAll(async () => {
    t = await createTestApp({
      beforeReady: (app) => {
        app.post<{ Params: { name: string } }>(
          '/test/hold/:name',
          { config: { admission: true } },
          async (request) => {
            started.push(request.params.name);
            await hold(request.params.name).promise;
            return { done: request.params.name };
          },
        );
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const term = await insertFixtureTerm(t.database.db);
    section = await insertFixtureSection(t.database.db, term.id, { capacity: 5 });
    secondSection = await insertFixtureSection(t.database.db, term.id, {
      capacity: 5,
      meetings: [{ days: 'F', startTime: '16:00', endTime: '17:00' }],
    });
  });

  afterAll(async () => {
    for (const name of holds.keys()) hold(name).release();
    await Promise.allSettled(pending);
    for (const reader of readers) reader.close();
    await t.close();
  });

  it('counts a waiting registration down to admission on its owner’s stream only', async () => {
    const student = await signedInAs(t, 'student');
    const other = await signedInAs(t, 'student');
    const bystander = await signedInAs(t, 'student');
    const mine = await openStream(student.headers);
    const theirs = await openStream(other.headers);
    const nobodys = await openStream(bystander.headers);

    await fillSlots('run');
    void occupy('anonymous-waiter');
    void occupy('other-waiter', other.headers);
    await vi.waitFor(() => expect(gate().queued).toBe(2));
    const registered = fetch(`${base}/api/v1/me/registrations`, {
      method: 'POST',
      headers: {
        ...student.headers,
        'content-type': 'application/json',
        'idempotency-key': 'queued-registration',
        'x-request-id': 'queued-registration',
      },
      body: JSON.stringify({ sectionId: section.id }),
    });
    pending.push(registered);

    const first = queueData(
      await mine.waitFor((e) => e.event === 'queue' && queueData(e).state === 'waiting'),
    );
    expect(first).toMatchObject({
      state: 'waiting',
      requestId: 'queued-registration',
      method: 'POST',
      path: '/api/v1/me/registrations',
      position: 3,
      ahead: 2,
    });
    expect(first.estimatedWaitSeconds).toBeGreaterThanOrEqual(1);
    expect(Date.parse(first.since)).not.toBeNaN();

    // The same wait as JSON, for the owner only.
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/registration-queue',
      headers: student.headers,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<QueueWaitList>().items).toEqual([
      {
        requestId: 'queued-registration',
        method: 'POST',
        path: '/api/v1/me/registrations',
        since: first.since,
        position: 3,
        ahead: 2,
        estimatedWaitSeconds: expect.any(Number) as number,
      },
    ]);
    const othersList = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/registration-queue',
      headers: other.headers,
    });
    expect(othersList.json<QueueWaitList>().items).toMatchObject([
      { requestId: 'other-waiter', position: 2, ahead: 1 },
    ]);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/me/registration-queue' });
    expect(anonymous.statusCode).toBe(401);

    // Each freed slot moves the line up by one, until the registration itself runs.
    releaseOne();
    await mine.waitFor((e) => e.event === 'queue' && queueData(e).position === 2);
    releaseOne();
    await mine.waitFor((e) => e.event === 'queue' && queueData(e).position === 1);
    releaseOne();
    await mine.waitFor((e) => e.event === 'queue' && queueData(e).state === 'admitted');
    const response = await registered;
    expect(response.status).toBe(201);

    const events = queueEvents(mine);
    expect(events.map((e) => [e.state, e.position])).toEqual([
      ['waiting', 3],
      ['waiting', 2],
      ['waiting', 1],
      ['admitted', 0],
    ]);
    expect(events.every((e) => e.requestId === 'queued-registration')).toBe(true);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/me/registration-queue',
          headers: student.headers,
        })
      ).json<QueueWaitList>().items,
    ).toEqual([]);

    // The other student saw only their own request; the bystander nothing at all.
    await theirs.waitFor((e) => e.event === 'queue' && queueData(e).state === 'admitted');
    expect(queueEvents(theirs).map((e) => e.requestId)).toEqual(
      queueEvents(theirs).map(() => 'other-waiter'),
    );
    expect(queueEvents(theirs)[0]).toMatchObject({ state: 'waiting', position: 2 });
    expect(queueEvents(nobodys)).toEqual([]);

    for (const reader of [mine, theirs, nobodys]) reader.close();
    while (started.some((n) => !released.has(n))) releaseOne();
    await vi.waitFor(() => expect(gate()).toMatchObject({ inFlight: 0, queued: 0 }));
  });

  it('reports nothing while the user has no stream open, and at once when one opens', async () => {
    const student = await signedInAs(t, 'student');
    const reportsBefore = t.app.live.stats().queueReports;
    const publishedBefore = t.app.live.stats().published;

    await fillSlots('quiet');
    const registered = fetch(`${base}/api/v1/me/registrations`, {
      method: 'POST',
      headers: {
        ...student.headers,
        'content-type': 'application/json',
        'x-request-id': 'unwatched-registration',
      },
      body: JSON.stringify({ sectionId: secondSection.id }),
    });
    pending.push(registered);
    await vi.waitFor(() => expect(gate().queued).toBe(1));

    // Waiting, and visible to polling, but not one report made.
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/registration-queue',
      headers: student.headers,
    });
    expect(listed.json<QueueWaitList>().items).toMatchObject([
      { requestId: 'unwatched-registration', position: 1, ahead: 0 },
    ]);
    expect(t.app.live.stats().queueReports).toBe(reportsBefore);

    // A stream opened while the request waits learns its place at once, then its admission.
    const late = await openStream(student.headers);
    const now = await late.waitFor((e) => e.event === 'queue');
    expect(queueData(now)).toMatchObject({
      state: 'waiting',
      requestId: 'unwatched-registration',
      position: 1,
    });
    late.close();
    await vi.waitFor(() => expect(t.app.live.stats().queueSubscribers).toBe(0));
    const reportsWhileOpen = t.app.live.stats().queueReports;

    // Its stream gone, the rest of the wait is reported to nobody.
    releaseOne();
    expect((await registered).status).toBe(201);
    expect(t.app.live.stats().queueReports).toBe(reportsWhileOpen);
    // Queue reports never go through PostgreSQL NOTIFY.
    expect(t.app.live.stats().published).toBe(publishedBefore);

    while (started.some((n) => !released.has(n))) releaseOne();
    await vi.waitFor(() => expect(gate()).toMatchObject({ inFlight: 0, queued: 0 }));
  });
});

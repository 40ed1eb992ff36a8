// Live streams over real HTTP: seat counts reach a term's subscribers (from another process on
// PostgreSQL), bursts are coalesced, notifications reach only their owner and resume after a
// reconnect, and closing the server ends open streams.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { signedInAs } from '../../test/auth-helpers.ts';
import { EventStreamReader, type ServerSentEvent } from '../../test/event-stream.ts';
import { createTestApp, onPostgres, type TestApp } from '../../test/test-app.ts';
import {
  insertFixtureSection,
  insertFixtureTerm,
  setSeatCounters,
  type FixtureSection,
  type FixtureTerm,
} from './registration.test-fixtures.ts';

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

function seatData(event: ServerSentEvent): Record<string, unknown> {
  return JSON.parse(event.data) as Record<string, unknown>;
}

describe('live seat counts and notifications over Server-Sent Events', () => {
  let t: TestApp;
  let base: string;
  let student: Awaited<ReturnType<typeof signedInAs>>;
  let term: FixtureTerm;
  let otherTerm: FixtureTerm;
  let section: FixtureSection;
  let marker: FixtureSection;
  let elsewhere: FixtureSection;
  const readers: EventStreamReader[] = [];

  async function stream(path: string, headers: Record<string, string>) {
    const reader = await new EventStreamReader().open(`${base}${path}`, headers);
    readers.push(reader);
    return reader;
  }

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t);
    student = await signedInAs(t, 'student');
    term = await insertFixtureTerm(t.database.db);
    otherTerm = await insertFixtureTerm(t.database.db);
    section = await insertFixtureSection(t.database.db, term.id, { capacity: 3 });
    marker = await insertFixtureSection(t.database.db, term.id, { capacity: 10 });
    elsewhere = await insertFixtureSection(t.database.db, otherTerm.id, { capacity: 10 });
  });

  afterAll(async () => {
    for (const reader of readers) reader.close();
    await t.close();
  });

  it('refuses anonymous callers and unknown terms as problem+json', async () => {
    const anonymous = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/${term.id}/seats/stream`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const unknown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/${newId()}/seats/stream`,
      headers: student.headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found' });
    const malformed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/not-a-term/seats/stream`,
      headers: student.headers,
    });
    expect(malformed.statusCode).toBe(404);
  });

  it('sends the latest counts of a changed section once per burst, only to its term', async () => {
    const reader = await stream(`/api/v1/terms/${term.id}/seats/stream`, student.headers);
    expect(reader.status).toBe(200);
    expect(reader.contentType).toContain('text/event-stream');
    await reader.waitFor((e) => e.event === 'ready');
    const otherReader = await stream(`/api/v1/terms/${otherTerm.id}/seats/stream`, student.headers);
    await otherReader.waitFor((e) => e.event === 'ready');

    // Five commits to one section reported before the hub publishes: one event, final counts.
    for (let enrolled = 1; enrolled <= 5; enrolled += 1) {
      await setSeatCounters(t.database.db, section.id, { enrolled: Math.min(enrolled, 3) });
      if (enrolled > 3)
        await setSeatCounters(t.database.db, section.id, { waitlisted: enrolled - 3 });
      t.app.live.seatsChanged([section.id]);
    }
    await t.app.live.flush();
    await setSeatCounters(t.database.db, marker.id, { enrolled: 7 });
    t.app.live.seatsChanged([marker.id]);
    await t.app.live.flush();

    await reader.waitFor((e) => e.event === 'seats' && seatData(e).sectionId === marker.id);
    const forSection = reader.events.filter(
      (e) => e.event === 'seats' && seatData(e).sectionId === section.id,
    );
    expect(forSection.map(seatData)).toEqual([
      { sectionId: section.id, enrolled: 3, available: 0, waitlisted: 2 },
    ]);
    expect(seatData(reader.events.find((e) => seatData(e).sectionId === marker.id)!)).toEqual({
      sectionId: marker.id,
      enrolled: 7,
      available: 3,
      waitlisted: 0,
    });

    // The other term's stream saw none of it, but sees its own section.
    await setSeatCounters(t.database.db, elsewhere.id, { enrolled: 1 });
    t.app.live.seatsChanged([elsewhere.id]);
    await t.app.live.flush();
    const own = await otherReader.waitFor((e) => e.event === 'seats');
    expect(seatData(own)).toEqual({
      sectionId: elsewhere.id,
      enrolled: 1,
      available: 9,
      waitlisted: 0,
    });
    expect(otherReader.events.filter((e) => e.event === 'seats')).toHaveLength(1);
  });

  it('reports a capacity cut below enrolment as no seats available, never negative', async () => {
    const reader = await stream(`/api/v1/terms/${term.id}/seats/stream`, student.headers);
    await reader.waitFor((e) => e.event === 'ready');
    await setSeatCounters(t.database.db, marker.id, { capacity: 5 });
    t.app.live.seatsChanged([marker.id]);
    await t.app.live.flush();
    const event = await reader.waitFor(
      (e) => e.event === 'seats' && seatData(e).sectionId === marker.id,
    );
    expect(seatData(event)).toEqual({
      sectionId: marker.id,
      enrolled: 7,
      available: 0,
      waitlisted: 0,
    });
  });

  it('pushes new notifications to their owner only, and resumes after Last-Event-ID', async () => {
    const other = await signedInAs(t, 'student');
    const mine = await stream('/api/v1/me/notifications/stream', student.headers);
    const theirs = await stream('/api/v1/me/notifications/stream', other.headers);
    await mine.waitFor((e) => e.event === 'ready');
    await theirs.waitFor((e) => e.event === 'ready');

    const first = newId();
    await t.database.db
      .insertInto('notifications')
      .values({
        id: first,
        user_id: student.account.id,
        kind: 'waitlist_promoted',
        title: 'You are enrolled in FIX 101 A1',
        body: 'A seat opened and you were next on the wait-list.',
        data: JSON.stringify({ sectionId: section.id }),
      })
      .execute();
    t.app.live.notificationsCreated([student.account.id]);
    await t.app.live.flush();
    const received = await mine.waitFor((e) => e.event === 'notification');
    expect(received.id).toBe(first);
    expect(JSON.parse(received.data)).toMatchObject({
      id: first,
      kind: 'waitlist_promoted',
      title: 'You are enrolled in FIX 101 A1',
      data: { sectionId: section.id },
      readAt: null,
    });

    // Something for the other user, as a marker: the first user's stream never sees it.
    const theirsId = newId();
    await t.database.db
      .insertInto('notifications')
      .values({
        id: theirsId,
        user_id: other.account.id,
        kind: 'note',
        title: 'For the other student',
        body: '…',
      })
      .execute();
    t.app.live.notificationsCreated([other.account.id]);
    await t.app.live.flush();
    await theirs.waitFor((e) => e.event === 'notification' && e.id === theirsId);
    expect(theirs.events.some((e) => e.id === first)).toBe(false);

    // Missed while disconnected: a reconnect with Last-Event-ID gets it at once.
    mine.close();
    const missed = newId();
    await t.database.db
      .insertInto('notifications')
      .values({
        id: missed,
        user_id: student.account.id,
        kind: 'note',
        title: 'While you were away',
        body: '…',
      })
      .execute();
    const resumed = await stream('/api/v1/me/notifications/stream', {
      ...student.headers,
      'last-event-id': first,
    });
    const event = await resumed.waitFor((e) => e.event === 'notification');
    expect(event.id).toBe(missed);
    expect(mine.events.some((e) => e.id === theirsId)).toBe(false);
  });

  it('also carries the user’s notifications on the seats stream, unless asked not to', async () => {
    const withNotes = await stream(`/api/v1/terms/${term.id}/seats/stream`, student.headers);
    const without = await stream(
      `/api/v1/terms/${term.id}/seats/stream?notifications=false`,
      student.headers,
    );
    await withNotes.waitFor((e) => e.event === 'ready');
    await without.waitFor((e) => e.event === 'ready');
    const id = newId();
    await t.database.db
      .insertInto('notifications')
      .values({ id, user_id: student.account.id, kind: 'note', title: 'Hello', body: '…' })
      .execute();
    t.app.live.notificationsCreated([student.account.id]);
    await setSeatCounters(t.database.db, marker.id, { enrolled: 6 });
    t.app.live.seatsChanged([marker.id]);
    await t.app.live.flush();
    await withNotes.waitFor((e) => e.event === 'notification' && e.id === id);
    await without.waitFor((e) => e.event === 'seats' && seatData(e).enrolled === 6);
    expect(without.events.some((e) => e.event === 'notification')).toBe(false);
  });

  it.runIf(onPostgres())(
    'fans a change reported in one process out to clients of another (LISTEN/NOTIFY)',
    async () => {
      const second = await openDatabase({ databaseUrl: t.database.url!, poolSize: 2 });
      const other = await createTestApp({
        database: { ...second, url: t.database.url, destroy: () => second.close() },
      });
      try {
        const otherBase = await listen(other);
        const reader = await new EventStreamReader().open(
          `${otherBase}/api/v1/terms/${term.id}/seats/stream`,
          student.headers,
        );
        readers.push(reader);
        await reader.waitFor((e) => e.event === 'ready');
        await setSeatCounters(t.database.db, section.id, { enrolled: 2, waitlisted: 0 });
        t.app.live.seatsChanged([section.id]);
        await t.app.live.flush();
        const event = await reader.waitFor(
          (e) => e.event === 'seats' && seatData(e).sectionId === section.id,
        );
        expect(seatData(event)).toEqual({
          sectionId: section.id,
          enrolled: 2,
          available: 1,
          waitlisted: 0,
        });
      } finally {
        await other.close();
      }
    },
  );

  it('ends open streams when the server closes', async () => {
    const own = await createTestApp({ database: { ...t.database, destroy: async () => {} } });
    const ownBase = await listen(own);
    const reader = await new EventStreamReader().open(
      `${ownBase}/api/v1/terms/${term.id}/seats/stream`,
      student.headers,
    );
    await reader.waitFor((e) => e.event === 'ready');
    await own.app.close();
    await reader.waitForEnd();
    expect(reader.ended).toBe(true);
  });
});

// The schedule as JSON and as RFC 5545 (checked with the ical.js parser: recurrences expand to
// the right instants across daylight-saving changes), and the private subscription feed.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids.ts';
import { signedInAs } from '../../test/auth-helpers.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import {
  buildCalendar,
  escapeText,
  foldLine,
  meetingOccurrences,
  zonedToUtc,
  type CalendarEntry,
} from './registration.calendar.ts';
import {
  insertFixtureSection,
  insertFixtureTerm,
  type FixtureSection,
  type FixtureTerm,
} from './registration.test-fixtures.ts';

interface Occurrence {
  start: string;
  end: string;
}

/** Parses a calendar with ical.js and expands every event's recurrence to UTC instants. */
function expand(ics: string): Map<string, { summary: string; occurrences: Occurrence[] }> {
  const root = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  for (const zone of root.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const events = new Map<string, { summary: string; occurrences: Occurrence[] }>();
  for (const component of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    const iterator = event.iterator();
    const occurrences: Occurrence[] = [];
    for (let next = iterator.next(); next && occurrences.length < 200; next = iterator.next()) {
      // ical.js declares the details loosely; both ends are ICAL.Time values.
      const details = event.getOccurrenceDetails(next) as {
        startDate: { toJSDate(): Date };
        endDate: { toJSDate(): Date };
      };
      occurrences.push({
        start: details.startDate.toJSDate().toISOString(),
        end: details.endDate.toJSDate().toISOString(),
      });
    }
    events.set(event.uid, { summary: event.summary, occurrences });
  }
  return events;
}

const fallTerm = {
  timeZone: 'America/Chicago',
  startsOn: '2026-08-24',
  endsOn: '2026-12-11',
  name: 'Fall 2026',
};

describe('iCalendar building blocks', () => {
  it('escapes text and folds long lines at 75 octets without splitting characters', () => {
    expect(escapeText('Room 1; Hall, B\\2\nnote')).toBe('Room 1\\; Hall\\, B\\\\2\\nnote');
    const line = `SUMMARY:${'Élève café — '.repeat(12)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  it('turns wall-clock times into instants on both sides of a daylight-saving change', () => {
    expect(new Date(zonedToUtc('2026-08-24', '10:00', 'America/Chicago')).toISOString()).toBe(
      '2026-08-24T15:00:00.000Z',
    );
    expect(new Date(zonedToUtc('2026-11-02', '10:00', 'America/Chicago')).toISOString()).toBe(
      '2026-11-02T16:00:00.000Z',
    );
    expect(new Date(zonedToUtc('2026-07-01', '09:30', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-07-01T04:00:00.000Z',
    );
  });

  it('finds the first and last class day of a weekly meeting', () => {
    // The term starts on a Monday; a Tue/Thu class first meets on Tuesday the 25th.
    expect(
      meetingOccurrences(
        {
          days: 'TR',
          startTime: '09:00',
          endTime: '10:15',
          location: null,
          startDate: null,
          endDate: null,
        },
        fallTerm,
      ),
    ).toEqual({ firstDate: '2026-08-25', lastDate: '2026-12-10', byDay: ['TU', 'TH'] });
    expect(
      meetingOccurrences(
        {
          days: null,
          startTime: null,
          endTime: null,
          location: null,
          startDate: null,
          endDate: null,
        },
        fallTerm,
      ),
    ).toBeUndefined();
  });

  it('builds a calendar that a parser expands to every class at the right local time', () => {
    const entry: CalendarEntry = {
      uid: 'reg-1',
      code: 'CS 225 AL1',
      title: 'Data Structures; Algorithms, and more',
      kind: 'lecture',
      crn: '31208',
      instructors: ['Ada Lovelace', 'Alan Turing'],
      meetings: [
        {
          days: 'MWF',
          startTime: '10:00',
          endTime: '10:50',
          location: 'Siebel 1404',
          startDate: null,
          endDate: null,
        },
        {
          days: 'R',
          startTime: '14:00',
          endTime: '15:50',
          location: 'Lab, room 2',
          startDate: '2026-09-01',
          endDate: '2026-10-31',
        },
        {
          days: null,
          startTime: null,
          endTime: null,
          location: null,
          startDate: null,
          endDate: null,
        },
      ],
      term: fallTerm,
    };
    const ics = buildCalendar([entry], {
      name: 'Classes Fall 2026',
      now: new Date('2026-08-01T12:00:00Z'),
    });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:America/Chicago');
    expect(ics).toContain('DTSTART;TZID=America/Chicago:20260824T100000');

    const events = expand(ics);
    expect([...events.keys()].sort()).toEqual(['reg-1-0@openregistrar', 'reg-1-1@openregistrar']);
    const lecture = events.get('reg-1-0@openregistrar')!;
    expect(lecture.summary).toBe('CS 225 AL1 Data Structures; Algorithms, and more');
    // 16 weeks of Mon/Wed/Fri from Aug 24 to Dec 11: 48 classes, Labor Day not excepted.
    expect(lecture.occurrences).toHaveLength(48);
    expect(lecture.occurrences[0]).toEqual({
      start: '2026-08-24T15:00:00.000Z',
      end: '2026-08-24T15:50:00.000Z',
    });
    // After the clocks go back on Nov 1 the class is still at 10:00 in Chicago: 16:00 UTC.
    expect(lecture.occurrences.find((o) => o.start.startsWith('2026-11-02'))?.start).toBe(
      '2026-11-02T16:00:00.000Z',
    );
    expect(lecture.occurrences.at(-1)?.start).toBe('2026-12-11T16:00:00.000Z');
    const lab = events.get('reg-1-1@openregistrar')!;
    expect(lab.occurrences[0]?.start).toBe('2026-09-03T19:00:00.000Z');
    expect(lab.occurrences.at(-1)?.start).toBe('2026-10-29T19:00:00.000Z');
    expect(lab.occurrences).toHaveLength(9);
  });
});

describe('schedule and calendar endpoints', () => {
  let t: TestApp;
  let student: Awaited<ReturnType<typeof signedInAs>>;
  let term: FixtureTerm;
  let lecture: FixtureSection;
  let overlapping: FixtureSection;
  let waitlisted: FixtureSection;

  async function register(
    section: FixtureSection,
    status: 'enrolled' | 'waitlisted',
    studentId = student.account.id,
  ): Promise<string> {
    const id = newId();
    await t.database.db
      .insertInto('registrations')
      .values({
        id,
        student_id: studentId,
        section_id: section.id,
        term_id: term.id,
        status,
        credits: 3,
        offer_expires_at: null,
        swap_drop_registration_id: null,
        created_by: null,
        enrolled_at: status === 'enrolled' ? new Date() : null,
        dropped_at: null,
        drop_reason: null,
      })
      .execute();
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    student = await signedInAs(t, 'student');
    term = await insertFixtureTerm(t.database.db);
    lecture = await insertFixtureSection(t.database.db, term.id, {
      subject: 'CAL',
      number: '101',
      title: 'Calendars, clocks; and time',
      instructors: ['Grace Hopper'],
      meetings: [{ days: 'MW', startTime: '10:00', endTime: '11:15', location: 'Hall 1' }],
    });
    overlapping = await insertFixtureSection(t.database.db, term.id, {
      subject: 'CAL',
      number: '102',
      meetings: [{ days: 'W', startTime: '11:00', endTime: '11:50', location: null }],
    });
    waitlisted = await insertFixtureSection(t.database.db, term.id, {
      subject: 'CAL',
      number: '103',
      meetings: [{ days: 'F', startTime: '09:00', endTime: '09:50', location: null }],
    });
    await register(lecture, 'enrolled');
    await register(overlapping, 'enrolled');
    await register(waitlisted, 'waitlisted');
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists the term’s classes with their meetings and the overlaps among seats held', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/schedule?termId=${term.id}`,
      headers: student.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      term: { id: string; timeZone: string };
      items: Array<{ sectionId: string; status: string; meetings: unknown[] }>;
      conflicts: Array<{ sectionIds: string[]; days: string; message: string }>;
      enrolledCredits: number;
    }>();
    expect(body.term).toMatchObject({ id: term.id, timeZone: 'America/Chicago' });
    expect(body.items.map((i) => [i.sectionId, i.status])).toEqual([
      [lecture.id, 'enrolled'],
      [overlapping.id, 'enrolled'],
      [waitlisted.id, 'waitlisted'],
    ]);
    expect(body.items[0]).toMatchObject({
      code: 'CAL 101 A1',
      title: 'Calendars, clocks; and time',
      instructors: ['Grace Hopper'],
      meetings: [{ days: 'MW', startTime: '10:00', endTime: '11:15', location: 'Hall 1' }],
    });
    expect(body.conflicts).toEqual([
      {
        sectionIds: [lecture.id, overlapping.id],
        days: 'W',
        message: 'CAL 101 A1 (MW 10:00–11:15) overlaps CAL 102 A1 (W 11:00–11:50).',
      },
    ]);
    expect(body.enrolledCredits).toBe(6);
  });

  it('downloads enrolled classes as an RFC 5545 file in the term’s time zone', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/schedule.ics?termId=${term.id}`,
      headers: student.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="schedule-${term.code}.ics"`,
    );
    expect(res.body.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    const events = expand(res.body);
    const summaries = [...events.values()].map((e) => e.summary).sort();
    expect(summaries).toEqual([
      'CAL 101 A1 Calendars, clocks; and time',
      'CAL 102 A1 Course CAL 102',
    ]);
    const first = [...events.values()].find((e) => e.summary.startsWith('CAL 101'))!;
    expect(first.occurrences[0]).toEqual({
      start: '2026-08-24T15:00:00.000Z',
      end: '2026-08-24T16:15:00.000Z',
    });

    const unknown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/schedule.ics?termId=${newId()}`,
      headers: student.headers,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('serves a private feed without sign-in, and regenerating it revokes the old URL', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/me/calendar-feed' });
    expect(anonymous.statusCode).toBe(401);
    const instructor = await signedInAs(t, 'instructor');
    const forbidden = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/calendar-feed',
      headers: instructor.headers,
    });
    expect(forbidden.statusCode).toBe(403);

    const feedRes = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/calendar-feed',
      headers: student.headers,
    });
    expect(feedRes.statusCode).toBe(200);
    const feed = feedRes.json<{ url: string; webcalUrl: string }>();
    expect(feed.url).toMatch(/\/api\/v1\/calendar\/[0-9a-f]{32}[\w-]{43}\.ics$/);
    expect(feed.webcalUrl).toBe(feed.url.replace(/^https?:/, 'webcal:'));
    // Asking again gives the same URL.
    const again = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/calendar-feed',
      headers: student.headers,
    });
    expect(again.json<{ url: string }>().url).toBe(feed.url);

    const path = new URL(feed.url).pathname;
    const read = await t.app.inject({ method: 'GET', url: path });
    expect(read.statusCode).toBe(200);
    expect(read.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(expand(read.body).size).toBe(2);

    // A forged signature is not found, like a revoked feed.
    const forged = path.replace(
      /[\w-](\.ics)$/,
      (m, ext: string) => `${m[0] === 'A' ? 'B' : 'A'}${ext}`,
    );
    expect((await t.app.inject({ method: 'GET', url: forged })).statusCode).toBe(404);

    const regenerated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/calendar-feed/regenerate',
      headers: student.headers,
    });
    expect(regenerated.statusCode).toBe(200);
    const fresh = regenerated.json<{ url: string }>().url;
    expect(fresh).not.toBe(feed.url);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: new URL(fresh).pathname })).statusCode).toBe(
      200,
    );
  });
});

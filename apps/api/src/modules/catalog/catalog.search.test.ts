import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { createUserWithRole, signedInAs, type LoggedIn } from '../../test/auth-helpers.ts';
import {
  insertSections,
  insertTerm,
  upsertCoursesByCode,
  upsertSubjects,
  type CourseRecord,
  type MeetingRecord,
  type SectionRecord,
  type TermRecord,
} from './catalog.repo.ts';
import type { Section } from './catalog.schemas.ts';
import {
  canonicalDays,
  daysMask,
  decodeCursor,
  encodeCursor,
  foldText,
  prefixTsQuery,
} from './catalog.search.ts';

describe('search helpers', () => {
  it('folds accents and case the way the database does', () => {
    expect(foldText('Français ÉLÉMENTAIRE Straße Øre')).toBe('francais elementaire strasse ore');
  });
  it('builds prefix queries from words only', () => {
    expect(prefixTsQuery('CS 22')).toBe('cs:* & 22:*');
    expect(prefixTsQuery("calc' | !x:*")).toBe('calc:* & x:*');
    expect(prefixTsQuery(' -- ')).toBeUndefined();
  });
  it('turns days into a mask and a canonical order', () => {
    expect(daysMask('MWF')).toBe(1 | 4 | 16);
    expect(canonicalDays('FWM')).toBe('MWF');
    expect(canonicalDays('MM')).toBeUndefined();
  });
  it('refuses cursors made for another sort or tampered with', () => {
    const cursor = encodeCursor({ sort: 'code', keys: ['CS 225', 'A'], id: 'x' });
    expect(decodeCursor(cursor, 'code', 2)).toEqual({
      sort: 'code',
      keys: ['CS 225', 'A'],
      id: 'x',
    });
    expect(decodeCursor(cursor, 'title', 3)).toBeUndefined();
    expect(decodeCursor('not-base64-json', 'code', 2)).toBeUndefined();
  });
});

const TERM: TermRecord = {
  code: 'SP2027',
  name: 'Spring 2027',
  timeZone: 'America/Chicago',
  startsOn: '2027-01-19',
  endsOn: '2027-05-07',
  registrationOpensAt: new Date('2026-11-01T15:00:00Z'),
  registrationClosesAt: new Date('2027-01-26T05:59:00Z'),
  addDropDeadline: new Date('2027-01-26T05:59:00Z'),
  withdrawDeadline: new Date('2027-04-01T04:59:00Z'),
  minCredits: 0,
  maxCredits: 18,
  claimWindowHours: null,
};

function course(
  subject: string,
  number: string,
  title: string,
  credits: [number, number],
  description = '',
): CourseRecord {
  return {
    subject,
    number,
    title,
    description,
    creditsMin: credits[0],
    creditsMax: credits[1],
    prerequisites: null,
    corequisites: null,
    restrictions: {},
  };
}

function meeting(
  days: string | null,
  startTime: string | null = null,
  endTime: string | null = null,
): MeetingRecord {
  return {
    days,
    startTime,
    endTime,
    location: days ? 'Room 1' : 'Online',
    startDate: null,
    endDate: null,
  };
}

describe('section search', () => {
  let t: TestApp;
  let student: LoggedIn;
  let termId: string;
  let otherTermId: string;
  let noetherId: string;

  const search = async (query: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/${termId}/sections?${query}`,
      headers: student.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: Section[]; nextCursor: string | null }>();
  };
  const codes = async (query: string) => (await search(query)).items.map((s) => s.code);

  beforeAll(async () => {
    t = await createTestApp();
    student = await signedInAs(t, 'student');
    noetherId = (await createUserWithRole(t, 'instructor', { name: 'Emmy Noether' })).id;
    const db = t.database.db;
    await upsertSubjects(db, [
      { code: 'CS', name: 'Computer Science' },
      { code: 'MATH', name: 'Mathematics' },
      { code: 'FR', name: 'French' },
    ]);
    termId = (await insertTerm(db, TERM)).id;
    otherTermId = (await insertTerm(db, { ...TERM, code: 'FA2027', name: 'Fall 2027' })).id;
    const courses = await upsertCoursesByCode(db, [
      course('CS', '225', 'Data Structures', [4, 4], 'Linked lists, trees and hashing.'),
      course('CS', '125', 'Introduction to Computer Science', [4, 4], 'Programming for beginners.'),
      course('MATH', '221', 'Calculus I', [4, 4], 'Limits and derivatives.'),
      course('MATH', '231', 'Calculus II', [3, 3], 'Integration and series.'),
      course('FR', '101', 'Français élémentaire', [3, 5], 'Parler, lire et écrire.'),
    ]);
    const id = (code: string) => courses.find((c) => c.code === code)!.id;
    const section = (
      courseCode: string,
      crn: string,
      sectionCode: string,
      extra: Partial<SectionRecord>,
    ): SectionRecord => ({
      courseId: id(courseCode),
      crn,
      sectionCode,
      kind: 'lecture',
      title: null,
      credits: null,
      capacity: 30,
      waitlistCapacity: 5,
      waitlistMode: 'auto',
      linkedGroup: null,
      instructors: [],
      meetings: [],
      reservedSeats: [],
      ...extra,
    });
    const ids = await insertSections(db, termId, [
      section('CS 225', '41001', 'AL1', {
        capacity: 100,
        meetings: [meeting('MWF', '09:00', '09:50')],
        instructors: [{ name: 'Ada Lovelace', userId: null }],
        linkedGroup: 'A',
      }),
      section('CS 225', '41002', 'AYA', {
        kind: 'lab',
        capacity: 24,
        meetings: [meeting('T', '14:00', '16:50')],
        instructors: [{ name: 'Grace Hopper', userId: null }],
        linkedGroup: 'A',
      }),
      section('CS 125', '41003', 'AL1', {
        capacity: 200,
        meetings: [meeting('TR', '11:00', '12:15')],
        instructors: [{ name: 'José Núñez', userId: null }],
      }),
      section('MATH 221', '41004', 'A1', {
        meetings: [meeting('MWF', '08:00', '08:50')],
        instructors: [{ name: 'Emmy Noether', userId: noetherId }],
      }),
      section('MATH 221', '41005', 'ONL', {
        kind: 'online',
        capacity: 50,
        meetings: [meeting(null)],
      }),
      section('MATH 231', '41006', 'B1', {
        meetings: [meeting('MW', '10:00', '11:15'), meeting('F', '10:00', '10:50')],
        instructors: [{ name: 'Emmy Noether', userId: noetherId }],
      }),
      section('FR 101', '41007', 'A', {
        capacity: 20,
        meetings: [meeting('MTWRF', '09:00', '09:50')],
      }),
      section('CS 225', '41008', 'X1', { meetings: [meeting('MWF', '09:00', '09:50')] }),
    ]);
    await insertSections(db, otherTermId, [
      section('CS 225', '41001', 'AL1', { meetings: [meeting('MWF', '09:00', '09:50')] }),
    ]);
    const enrolled: Record<number, number> = { 0: 100, 1: 10, 2: 50, 3: 29, 5: 30 };
    for (const [index, count] of Object.entries(enrolled)) {
      await db
        .updateTable('sections')
        .set({ enrolled: count })
        .where('id', '=', ids[Number(index)]!)
        .execute();
    }
    await db
      .updateTable('sections')
      .set({ status: 'cancelled' })
      .where('id', '=', ids[7]!)
      .execute();
  });
  afterAll(async () => {
    await t.close();
  });

  const ALL = [
    'CS 125 AL1',
    'CS 225 AL1',
    'CS 225 AYA',
    'FR 101 A',
    'MATH 221 A1',
    'MATH 221 ONL',
    'MATH 231 B1',
  ];

  it('lists the term’s active sections by code with seat counts', async () => {
    const page = await search('');
    expect(page.items.map((s) => s.code)).toEqual(ALL);
    expect(page.nextCursor).toBeNull();
    const full = page.items.find((s) => s.code === 'CS 225 AL1')!;
    expect(full.seats).toEqual({ enrolled: 100, available: 0, waitlisted: 0 });
    expect(page.items.find((s) => s.code === 'MATH 231 B1')!.seats.available).toBe(0);
    expect(await codes('includeCancelled=true')).toContain('CS 225 X1');
  });

  it('matches words as prefixes of code, title and description, ignoring case and accents', async () => {
    expect(await codes('q=calc')).toEqual(['MATH 221 A1', 'MATH 221 ONL', 'MATH 231 B1']);
    expect(await codes('q=CALCULUS%20ii')).toEqual(['MATH 231 B1']);
    expect(await codes('q=cs%2022')).toEqual(['CS 225 AL1', 'CS 225 AYA']);
    expect(await codes('q=cs225')).toEqual(['CS 225 AL1', 'CS 225 AYA']);
    expect(await codes('q=francais')).toEqual(['FR 101 A']);
    expect(await codes(`q=${encodeURIComponent('ÉLÉM')}`)).toEqual(['FR 101 A']);
    expect(await codes('q=hash')).toEqual(['CS 225 AL1', 'CS 225 AYA']);
    expect(await codes('q=41003')).toEqual(['CS 125 AL1']);
    expect(await codes('q=alculus')).toEqual([]);
  });

  it('filters by subject', async () => {
    expect(await codes('subject=math,fr')).toEqual([
      'FR 101 A',
      'MATH 221 A1',
      'MATH 221 ONL',
      'MATH 231 B1',
    ]);
  });

  it('keeps sections whose scheduled meetings all fall on the given days', async () => {
    expect(await codes('days=MWF')).toEqual(['CS 225 AL1', 'MATH 221 A1', 'MATH 231 B1']);
    expect(await codes('days=TR')).toEqual(['CS 125 AL1', 'CS 225 AYA']);
    expect(await codes('days=MW')).toEqual([]);
  });

  it('keeps sections inside a time window', async () => {
    expect(await codes('startAfter=09:00&endBefore=12:00')).toEqual([
      'CS 225 AL1',
      'FR 101 A',
      'MATH 231 B1',
    ]);
    expect(await codes('startAfter=13:00')).toEqual(['CS 225 AYA']);
    expect(await codes('days=MWF&startAfter=08:00&endBefore=09:00')).toEqual(['MATH 221 A1']);
  });

  it('keeps only open sections', async () => {
    expect(await codes('open=true')).toEqual([
      'CS 125 AL1',
      'CS 225 AYA',
      'FR 101 A',
      'MATH 221 A1',
      'MATH 221 ONL',
    ]);
  });

  it('filters by credits, including variable-credit courses', async () => {
    expect(await codes('credits=5')).toEqual(['FR 101 A']);
    expect(await codes('credits=3')).toEqual(['FR 101 A', 'MATH 231 B1']);
  });

  it('filters by instructor name prefix (accents ignored) or user id', async () => {
    expect(await codes('instructor=nunez')).toEqual(['CS 125 AL1']);
    expect(await codes('instructor=grace%20hop')).toEqual(['CS 225 AYA']);
    expect(await codes('instructor=ether')).toEqual([]);
    expect(await codes(`instructor=${noetherId}`)).toEqual(['MATH 221 A1', 'MATH 231 B1']);
  });

  it('filters by kind', async () => {
    expect(await codes('kind=lab')).toEqual(['CS 225 AYA']);
    expect(await codes('kind=lab,online')).toEqual(['CS 225 AYA', 'MATH 221 ONL']);
  });

  it('sorts by title, available seats and start time', async () => {
    expect(await codes('sort=title')).toEqual([
      'MATH 221 A1',
      'MATH 221 ONL',
      'MATH 231 B1',
      'CS 225 AL1',
      'CS 225 AYA',
      'FR 101 A',
      'CS 125 AL1',
    ]);
    expect(await codes('sort=available')).toEqual([
      'CS 125 AL1',
      'MATH 221 ONL',
      'FR 101 A',
      'CS 225 AYA',
      'MATH 221 A1',
      'CS 225 AL1',
      'MATH 231 B1',
    ]);
    expect(await codes('sort=startTime')).toEqual([
      'MATH 221 A1',
      'CS 225 AL1',
      'FR 101 A',
      'MATH 231 B1',
      'CS 125 AL1',
      'CS 225 AYA',
      'MATH 221 ONL',
    ]);
  });

  it('pages with a cursor through every row exactly once, in every sort', async () => {
    for (const sort of ['code', 'title', 'available', 'startTime']) {
      const expected = await codes(`sort=${sort}&includeCancelled=true`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await search(
          `sort=${sort}&includeCancelled=true&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((s) => s.code));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
      expect(new Set(seen).size).toBe(8);
    }
  });

  it('refuses a cursor from another sort and bad parameters', async () => {
    const first = await search('limit=2');
    const wrong = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/${termId}/sections?sort=title&cursor=${first.nextCursor}`,
      headers: student.headers,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe(
      'querystring.cursor',
    );
    for (const query of ['days=MX', 'startAfter=25:00', 'limit=500', 'kind=party', 'sort=random']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/terms/${termId}/sections?${query}`,
        headers: student.headers,
      });
      expect(res.statusCode, query).toBe(400);
    }
  });

  it('answers 404 for an unknown term', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/terms/0190a000-0000-7000-8000-000000000000/sections',
      headers: student.headers,
    });
    expect(res.statusCode).toBe(404);
  });

  it('keeps the meeting summary in step when meetings change', async () => {
    const [ab] = (await search('q=41006')).items;
    const admin = await signedInAs(t, 'admin');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sections/${ab!.id}`,
      headers: admin.headers,
      payload: { meetings: [{ days: 'TR', startTime: '15:00', endTime: '16:15' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(await codes('days=TR&startAfter=14:30')).toEqual(['MATH 231 B1']);
    expect(await codes('days=MWF')).toEqual(['CS 225 AL1', 'MATH 221 A1']);
  });

  it('fills the course code and meeting summary of a section written without them', async () => {
    // Another module (or an operator) inserting rows directly: the triggers supply what search reads.
    const db = t.database.db;
    const course = await db
      .selectFrom('courses')
      .select('id')
      .where('code', '=', 'FR 101')
      .executeTakeFirstOrThrow();
    const id = '0190a000-0000-7000-8000-0000000000f1';
    await db
      .insertInto('sections')
      .values({
        id,
        term_id: termId,
        course_id: course.id,
        crn: '49999',
        section_code: 'B',
        capacity: 10,
      })
      .execute();
    await db
      .insertInto('section_meetings')
      .values({
        id: '0190a000-0000-7000-8000-0000000000f2',
        section_id: id,
        days: 'TR',
        start_time: '15:00',
        end_time: '16:15',
      })
      .execute();
    expect(await codes('subject=FR&days=TR&startAfter=15:00')).toEqual(['FR 101 B']);
    expect(await codes('subject=FR')).toEqual(['FR 101 A', 'FR 101 B']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { createUserWithRole, signedInAs, type LoggedIn } from '../../test/auth-helpers.ts';
import type { Course, Section, Term } from './catalog.schemas.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: Array<{ code: string; message: string; path?: string; position?: number }>;
}

const TERM = {
  code: 'FA2026',
  name: 'Fall 2026',
  timeZone: 'America/Chicago',
  startsOn: '2026-08-24',
  endsOn: '2026-12-18',
  registrationOpensAt: '2026-04-01T14:00:00Z',
  registrationClosesAt: '2026-08-31T04:59:00Z',
  addDropDeadline: '2026-08-31T04:59:00Z',
  withdrawDeadline: '2026-11-01T04:59:00Z',
  minCredits: 0,
  maxCredits: 18,
};

describe('catalog API', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let student: LoggedIn;
  let term: Term;
  let course: Course;

  const send = (
    who: LoggedIn,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who.headers,
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signedInAs(t, 'admin');
    student = await signedInAs(t, 'student');
    await send(admin, 'POST', '/subjects', { code: 'CS', name: 'Computer Science' });
    await send(admin, 'POST', '/subjects', { code: 'MATH', name: 'Mathematics' });
    await send(admin, 'POST', '/programs', {
      code: 'CS-BS',
      name: 'Computer Science',
      degree: 'BS',
    });
    term = (await send(admin, 'POST', '/terms', TERM)).json<Term>();
    course = (
      await send(admin, 'POST', '/courses', {
        subject: 'CS',
        number: '225',
        title: 'Data Structures',
        credits: { min: 4 },
        prerequisites: 'cs 125 (c) and (CS 173 or MATH 213)',
      })
    ).json<Course>();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('terms', () => {
    it('creates, reads, lists and updates a term', async () => {
      expect(term).toMatchObject({
        code: 'FA2026',
        timeZone: 'America/Chicago',
        startsOn: '2026-08-24',
        registrationOpensAt: '2026-04-01T14:00:00.000Z',
        maxCredits: 18,
      });
      const read = await send(student, 'GET', `/terms/${term.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(term);
      const list = await send(student, 'GET', '/terms');
      expect(list.json<{ items: Term[] }>().items.map((x) => x.id)).toContain(term.id);
      const patched = await send(admin, 'PATCH', `/terms/${term.id}`, {
        maxCredits: 20,
        name: 'Fall 2026 (main)',
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        maxCredits: 20,
        name: 'Fall 2026 (main)',
        code: 'FA2026',
      });
    });

    it('refuses dates out of order, listing every problem with its field', async () => {
      const res = await send(admin, 'POST', '/terms', {
        ...TERM,
        code: 'BAD1',
        endsOn: '2026-08-01',
        registrationClosesAt: '2026-03-01T00:00:00Z',
        withdrawDeadline: '2026-08-30T00:00:00Z',
        minCredits: 12,
        maxCredits: 6,
      });
      expect(res.statusCode).toBe(400);
      const body = res.json<Problem>();
      expect(body.code).toBe('validation_failed');
      const paths = body.errors!.map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'body.endsOn',
          'body.registrationClosesAt',
          'body.withdrawDeadline',
          'body.maxCredits',
        ]),
      );
    });

    it('refuses a deadline after the term ends, judged in the term time zone', async () => {
      // 2026-12-19T03:00Z is still 18 December in Chicago: allowed. 06:00Z is the 19th: refused.
      const ok = await send(admin, 'POST', '/terms', {
        ...TERM,
        code: 'TZ1',
        withdrawDeadline: '2026-12-19T03:00:00Z',
      });
      expect(ok.statusCode).toBe(201);
      const late = await send(admin, 'POST', '/terms', {
        ...TERM,
        code: 'TZ2',
        withdrawDeadline: '2026-12-19T06:00:00Z',
      });
      expect(late.statusCode).toBe(400);
      expect(late.json<Problem>().errors![0]!.path).toBe('body.withdrawDeadline');
    });

    it('refuses an unknown time zone and a PATCH that puts dates out of order', async () => {
      const res = await send(admin, 'POST', '/terms', {
        ...TERM,
        code: 'BAD2',
        timeZone: 'Mars/Olympus',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<Problem>().errors).toEqual([
        expect.objectContaining({ path: 'body.timeZone' }),
      ]);
      const patch = await send(admin, 'PATCH', `/terms/${term.id}`, { startsOn: '2027-01-10' });
      expect(patch.statusCode).toBe(400);
      expect(patch.json<Problem>().errors![0]!.path).toBe('body.endsOn');
    });

    it('answers 409 for a duplicate term code and 404 for an unknown term', async () => {
      const dup = await send(admin, 'POST', '/terms', TERM);
      expect(dup.statusCode).toBe(409);
      expect(dup.json<Problem>().code).toBe('term_code_taken');
      expect((await send(student, 'GET', '/terms/not-an-id')).statusCode).toBe(404);
      expect(
        (await send(student, 'GET', '/terms/0190a000-0000-7000-8000-000000000000')).statusCode,
      ).toBe(404);
    });
  });

  describe('subjects and programs', () => {
    it('lists subjects with cursor pagination and refuses duplicates', async () => {
      const first = await send(student, 'GET', '/subjects?limit=1');
      const page1 = first.json<{ items: Array<{ code: string }>; nextCursor: string }>();
      expect(page1.items.map((s) => s.code)).toEqual(['CS']);
      const second = await send(student, 'GET', `/subjects?limit=1&cursor=${page1.nextCursor}`);
      expect(second.json()).toEqual({
        items: [{ code: 'MATH', name: 'Mathematics' }],
        nextCursor: null,
      });
      const dup = await send(admin, 'POST', '/subjects', { code: 'cs', name: 'Again' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json<Problem>().code).toBe('subject_exists');
    });

    it('creates and lists programs', async () => {
      const res = await send(student, 'GET', '/programs');
      expect(res.json<{ items: unknown[] }>().items).toEqual([
        { code: 'CS-BS', name: 'Computer Science', degree: 'BS' },
      ]);
    });
  });

  describe('courses', () => {
    it('stores expressions in canonical form and describes them in words', () => {
      expect(course).toMatchObject({
        code: 'CS 225',
        subject: 'CS',
        number: '225',
        credits: { min: 4, max: 4 },
        prerequisites: 'CS 125 (C) and (CS 173 or MATH 213)',
        corequisites: null,
        restrictions: {},
      });
      expect(course.prerequisitesDescription).toContain('CS 125 with C or better');
    });

    it('refuses a bad expression with its position, and an unknown subject and program', async () => {
      const res = await send(admin, 'POST', '/courses', {
        subject: 'ZZZ',
        number: '101',
        title: 'Nothing',
        credits: { min: 3, max: 1 },
        prerequisites: 'CS 125 and or MATH 213',
        restrictions: { programs: ['NOPE'] },
      });
      expect(res.statusCode).toBe(400);
      const body = res.json<Problem>();
      expect(body.code).toBe('validation_failed');
      const expression = body.errors!.find((e) => e.path === 'body.prerequisites')!;
      expect(expression.code).toBe('invalid_requisite');
      expect(expression.position).toBe(11);
      expect(expression.message).toContain('position 11');
      expect(body.errors!.map((e) => e.path)).toEqual(
        expect.arrayContaining([
          'body.subject',
          'body.credits.max',
          'body.restrictions.programs.0',
        ]),
      );
    });

    it('refuses a duplicate course code and updates the editable fields', async () => {
      const dup = await send(admin, 'POST', '/courses', {
        subject: 'cs',
        number: '225',
        title: 'Again',
        credits: { min: 3 },
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json<Problem>().code).toBe('course_exists');
      const patched = await send(admin, 'PATCH', `/courses/${course.id}`, {
        corequisites: 'CS 173 [concurrent]',
        credits: { min: 3, max: 4 },
        restrictions: { classStandings: ['sophomore', 'junior'], programs: ['cs-bs'] },
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        corequisites: 'CS 173 [concurrent]',
        credits: { min: 3, max: 4 },
        restrictions: { classStandings: ['sophomore', 'junior'], programs: ['CS-BS'] },
        prerequisites: 'CS 125 (C) and (CS 173 or MATH 213)',
      });
      const bad = await send(admin, 'PATCH', `/courses/${course.id}`, {
        corequisites: 'CS 173 (Q)',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<Problem>().errors![0]).toMatchObject({
        path: 'body.corequisites',
        code: 'invalid_requisite',
      });
    });

    it('finds courses by prefix of code or title', async () => {
      await send(admin, 'POST', '/courses', {
        subject: 'MATH',
        number: '221',
        title: 'Calculus I',
        credits: { min: 4 },
      });
      const res = await send(student, 'GET', '/courses?q=calc');
      expect(res.json<{ items: Course[] }>().items.map((c) => c.code)).toEqual(['MATH 221']);
      const bySubject = await send(student, 'GET', '/courses?subject=cs');
      expect(bySubject.json<{ items: Course[] }>().items.map((c) => c.code)).toEqual(['CS 225']);
    });
  });

  describe('sections', () => {
    let instructorId: string;
    let section: Section;

    beforeAll(async () => {
      instructorId = (await createUserWithRole(t, 'instructor', { name: 'Ada Lovelace' })).id;
      const res = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        crn: '30101',
        sectionCode: 'AL1',
        kind: 'lecture',
        instructors: [{ userId: instructorId }, { name: 'Grace Hopper' }],
        meetings: [
          { days: 'WMF', startTime: '09:00', endTime: '09:50', location: 'Siebel 1404' },
          { location: 'Online' },
        ],
        capacity: 40,
        waitlistCapacity: 10,
        reservedSeats: [
          { group: 'class_standing:freshman', seats: 10, until: '2026-08-01T00:00:00Z' },
          { group: 'program:CS-BS', seats: 5 },
        ],
        linkedGroup: 'A',
      });
      expect(res.statusCode).toBe(201);
      section = res.json<Section>();
    });

    it('creates a section with instructors, meetings, reserved seats and seat counts', async () => {
      expect(section).toMatchObject({
        crn: '30101',
        termId: term.id,
        courseId: course.id,
        code: 'CS 225 AL1',
        sectionCode: 'AL1',
        title: 'Data Structures',
        kind: 'lecture',
        status: 'active',
        instructors: [
          { name: 'Ada Lovelace', userId: instructorId },
          { name: 'Grace Hopper', userId: null },
        ],
        meetings: [
          { days: 'MWF', startTime: '09:00', endTime: '09:50', location: 'Siebel 1404' },
          { days: null, startTime: null, endTime: null, location: 'Online' },
        ],
        capacity: 40,
        waitlistCapacity: 10,
        waitlistMode: 'auto',
        reservedSeats: [
          {
            group: 'class_standing:freshman',
            label: 'First-year students',
            seats: 10,
            until: '2026-08-01T00:00:00.000Z',
          },
          { group: 'program:CS-BS', label: 'CS-BS majors', seats: 5 },
        ],
        linkedGroup: 'A',
        seats: { enrolled: 0, available: 40, waitlisted: 0 },
      });
      const read = await send(student, 'GET', `/sections/${section.id}`);
      expect(read.json()).toEqual(section);
      const ofCourse = await send(
        student,
        'GET',
        `/courses/${course.id}/sections?termId=${term.id}`,
      );
      expect(ofCourse.json<{ items: Section[] }>().items.map((s) => s.id)).toEqual([section.id]);
    });

    it('assigns the next free CRN when none is given', async () => {
      const res = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        sectionCode: 'AL2',
        capacity: 10,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json<Section>().crn).toBe('30102');
    });

    it('answers 409 for a CRN already used in the term', async () => {
      const res = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        crn: '30101',
        sectionCode: 'AL9',
        capacity: 10,
      });
      expect(res.statusCode).toBe(409);
      expect(res.json<Problem>().code).toBe('crn_taken');
    });

    it('lets a lab linked to a lecture carry 0 credits (the lecture carries the course’s), and no other section', async () => {
      const lab = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        sectionCode: 'AYB',
        kind: 'lab',
        credits: 0,
        capacity: 20,
        linkedGroup: 'A',
      });
      expect(lab.statusCode).toBe(201);
      const edited = await send(admin, 'PATCH', `/sections/${lab.json<Section>().id}`, {
        capacity: 24,
      });
      expect(edited.statusCode).toBe(200);
      for (const refused of [
        { sectionCode: 'AL7', kind: 'lecture', linkedGroup: 'A' },
        { sectionCode: 'AYC', kind: 'lab' },
      ]) {
        const res = await send(admin, 'POST', '/sections', {
          termId: term.id,
          courseId: course.id,
          credits: 0,
          capacity: 20,
          ...refused,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json<Problem>().errors!.map((e) => e.path)).toEqual(['body.credits']);
      }
    });

    it('refuses bad meetings, instructors, reserved seats and credits with their paths', async () => {
      const student2 = await createUserWithRole(t, 'student');
      const res = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        sectionCode: 'X',
        capacity: 5,
        credits: 6,
        meetings: [
          { days: 'MM', startTime: '10:00', endTime: '11:00' },
          { days: 'TR', startTime: '11:00', endTime: '10:00' },
          { days: 'F', startTime: '09:00' },
          { days: 'F', startTime: '09:00', endTime: '10:00', startDate: '2026-01-01' },
        ],
        instructors: [{ userId: student2.id }, {}],
        reservedSeats: [
          { group: 'class_standing:wizard', seats: 1 },
          { group: 'program:NOPE', seats: 2 },
          { group: 'cohort:Honors', seats: 9 },
        ],
      });
      expect(res.statusCode).toBe(400);
      const paths = res.json<Problem>().errors!.map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'body.meetings.0.days',
          'body.meetings.1.endTime',
          'body.meetings.2',
          'body.meetings.3.startDate',
          'body.instructors.0.userId',
          'body.instructors.1',
          'body.reservedSeats.0.group',
          'body.reservedSeats.1.group',
          'body.reservedSeats',
          'body.credits',
        ]),
      );
    });

    it('updates fields and replaces lists; capacity below enrolment never shows negative seats', async () => {
      const res = await send(admin, 'PATCH', `/sections/${section.id}`, {
        capacity: 30,
        meetings: [{ days: 'TR', startTime: '13:00', endTime: '14:15', location: 'DCL 1320' }],
        instructors: [{ name: 'Barbara Liskov' }],
        linkedGroup: null,
        title: 'Data Structures (honors)',
      });
      expect(res.statusCode).toBe(200);
      const updated = res.json<Section>();
      expect(updated).toMatchObject({
        capacity: 30,
        meetings: [{ days: 'TR', startTime: '13:00', endTime: '14:15', location: 'DCL 1320' }],
        instructors: [{ name: 'Barbara Liskov', userId: null }],
        title: 'Data Structures (honors)',
        reservedSeats: section.reservedSeats,
        seats: { enrolled: 0, available: 30, waitlisted: 0 },
      });
      expect(updated.linkedGroup).toBeUndefined();
      // Registration owns the counter; simulate more students than the new capacity.
      await t.database.db
        .updateTable('sections')
        .set({ enrolled: 35 })
        .where('id', '=', section.id)
        .execute();
      const over = await send(student, 'GET', `/sections/${section.id}`);
      expect(over.json<Section>().seats).toEqual({ enrolled: 35, available: 0, waitlisted: 0 });
      await t.database.db
        .updateTable('sections')
        .set({ enrolled: 0 })
        .where('id', '=', section.id)
        .execute();
      const tooSmall = await send(admin, 'PATCH', `/sections/${section.id}`, { capacity: 10 });
      expect(tooSmall.statusCode).toBe(400);
      expect(tooSmall.json<Problem>().errors![0]!.path).toBe('body.reservedSeats');
    });

    it('cancels a section with DELETE; it stays readable and cannot be edited', async () => {
      const created = await send(admin, 'POST', '/sections', {
        termId: term.id,
        courseId: course.id,
        sectionCode: 'C1',
        capacity: 10,
      });
      const id = created.json<Section>().id;
      const res = await send(admin, 'DELETE', `/sections/${id}`);
      expect(res.statusCode).toBe(200);
      expect(res.json<Section>()).toMatchObject({ status: 'cancelled', seats: { available: 0 } });
      expect((await send(admin, 'DELETE', `/sections/${id}`)).statusCode).toBe(200);
      const edit = await send(admin, 'PATCH', `/sections/${id}`, { capacity: 20 });
      expect(edit.statusCode).toBe(409);
      expect(edit.json<Problem>().code).toBe('section_cancelled');
    });
  });

  describe('access', () => {
    it('lets students read but not write', async () => {
      expect((await send(student, 'GET', '/subjects')).statusCode).toBe(200);
      const writes = await Promise.all([
        send(student, 'POST', '/subjects', { code: 'HIST', name: 'History' }),
        send(student, 'POST', '/terms', { ...TERM, code: 'S1' }),
        send(student, 'PATCH', `/terms/${term.id}`, { name: 'Mine' }),
        send(student, 'POST', '/courses', {
          subject: 'CS',
          number: '999',
          title: 'X',
          credits: { min: 1 },
        }),
        send(student, 'PATCH', `/courses/${course.id}`, { title: 'Mine' }),
        send(student, 'POST', '/sections', {
          termId: term.id,
          courseId: course.id,
          sectionCode: 'Z',
          capacity: 1,
        }),
        send(student, 'POST', '/programs', { code: 'X', name: 'X' }),
      ]);
      expect(writes.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    });

    it('asks anonymous callers to sign in, even to read', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/terms/${term.id}/sections` });
      expect(res.statusCode).toBe(401);
    });
  });
});

import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db/schema.ts';
import {
  evaluateRequisite,
  parseOptionalRequisite,
  type ClassStanding,
} from '../modules/catalog/catalog.requisites.ts';
import { classStandingForCredits, isPassingGrade } from '../modules/identity/identity.service.ts';
import type { Registration } from '../modules/registration/registration.schemas.ts';
import { loginAs } from '../test/auth-helpers.ts';
import { createTestApp, createTestDatabase, type TestApp } from '../test/test-app.ts';
import { DEMO_DOMAIN, DEMO_PASSWORDS } from './demo-people.seed.ts';
import { seedDemoUniversity, type SeedResult } from './demo.seed.ts';

// Fewer students than the small size (which has 5,000), enough for proportions to show. The
// registration checks run against the real clock, so the seed date is now, as at `npm start`.
const peopleCounts = { advisors: 4, instructors: 8, students: 1_500 };
const NOW = new Date();

interface TranscriptRow {
  student_id: string;
  course_code: string;
  term_code: string;
  grade: string;
  credits: number;
}

/** Spring before fall within a year: SP2026 < FA2026 < SP2027. */
function termOrder(code: string): number {
  return Number(code.slice(2)) * 2 + (code.startsWith('FA') ? 1 : 0);
}

/** Everything the records seed wrote, by student number instead of generated ids. */
async function recordsFingerprint(db: Kysely<DB>): Promise<unknown> {
  const transcripts = await sql<{ line: string }>`
    select concat_ws('|', s.student_number, te.term_code, te.course_code, te.grade,
      te.credits::text) as line
    from transcript_entries te join students s on s.user_id = te.student_id
    order by s.student_number, te.term_code, te.course_code`.execute(db);
  const holds = await sql<{ line: string }>`
    select concat_ws('|', s.student_number, h.type, h.reason, h.blocks_registration::text,
      p.email, h.lifted_at is not null, h.lift_note) as line
    from holds h join students s on s.user_id = h.student_id join users p on p.id = h.placed_by
    order by s.student_number, h.type`.execute(db);
  const tickets = await sql<{ line: string }>`
    select concat_ws('|', t.code, r.position, r.min_credits_earned::text, r.class_standing,
      r.opens_at::text) as line
    from time_ticket_rules r join terms t on t.id = r.term_id order by t.code, r.position`.execute(
    db,
  );
  const overrides = await sql<{ line: string }>`
    select concat_ws('|', t.code, s.student_number, st.opens_at::text) as line
    from student_terms st join students s on s.user_id = st.student_id
    join terms t on t.id = st.term_id where st.opens_at is not null
    order by t.code, s.student_number`.execute(db);
  return {
    transcripts: transcripts.rows.map((r) => r.line),
    holds: holds.rows.map((r) => r.line),
    tickets: tickets.rows.map((r) => r.line),
    overrides: overrides.rows.map((r) => r.line),
  };
}

describe('demo records seed', () => {
  let t: TestApp;
  let seeded: SeedResult;
  let students: Array<{
    user_id: string;
    class_standing: ClassStanding;
    credits_earned: number;
    email: string;
  }>;
  let entries: TranscriptRow[];

  beforeAll(async () => {
    t = await createTestApp();
    seeded = await seedDemoUniversity(t.database.db, {
      size: 'small',
      progress: false,
      now: NOW,
      peopleCounts,
    });
    const db = t.database.db;
    students = (
      await sql<{
        user_id: string;
        class_standing: ClassStanding;
        credits_earned: string;
        email: string;
      }>`select s.user_id, s.class_standing, s.credits_earned, u.email
        from students s join users u on u.id = s.user_id`.execute(db)
    ).rows.map((s) => ({ ...s, credits_earned: Number(s.credits_earned) }));
    entries = (
      await sql<TranscriptRow & { credits: string }>`
        select student_id, course_code, term_code, grade, credits from transcript_entries`.execute(
        db,
      )
    ).rows.map((r) => ({ ...r, credits: Number(r.credits) }));
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  function byStudent(): Map<string, TranscriptRow[]> {
    const map = new Map<string, TranscriptRow[]>();
    for (const entry of entries) {
      const list = map.get(entry.student_id) ?? [];
      list.push(entry);
      map.set(entry.student_id, list);
    }
    return map;
  }

  it('takes every course only after its prerequisites, passed in earlier terms', async () => {
    const courses = await t.database.db
      .selectFrom('courses')
      .select(['code', 'prerequisites', 'corequisites'])
      .execute();
    const requisites = new Map(
      courses.map((c) => [
        c.code,
        {
          pre: parseOptionalRequisite(c.prerequisites),
          co: parseOptionalRequisite(c.corequisites),
        },
      ]),
    );
    const graduate = new Set(
      students.filter((s) => s.class_standing === 'graduate').map((s) => s.user_id),
    );
    let checked = 0;
    for (const [studentId, list] of byStudent()) {
      for (const entry of list) {
        const course = requisites.get(entry.course_code);
        expect(course, entry.course_code).toBeDefined();
        const earlier = list.filter((e) => termOrder(e.term_code) < termOrder(entry.term_code));
        const sameTerm = list
          .filter((e) => e.term_code === entry.term_code && e !== entry)
          .map((e) => e.course_code);
        const earned = earlier
          .filter((e) => isPassingGrade(e.grade))
          .reduce((sum, e) => sum + e.credits, 0);
        const facts = {
          completed: earlier.map((e) => ({ course: e.course_code, grade: e.grade })),
          inProgress: sameTerm,
          standing: graduate.has(studentId) ? 'graduate' : classStandingForCredits(earned),
        } as const;
        if (course!.pre) {
          checked += 1;
          const result = evaluateRequisite(course!.pre, facts);
          expect(
            result.satisfied,
            `${entry.course_code} in ${entry.term_code}: ${result.missing.join('; ')}`,
          ).toBe(true);
        }
        if (course!.co) {
          expect(evaluateRequisite(course!.co, facts, { mode: 'corequisite' }).satisfied).toBe(
            true,
          );
        }
      }
    }
    // Chains, not only introductory courses: thousands of entries had a prerequisite to meet.
    expect(checked).toBeGreaterThan(entries.length / 5);
  });

  it('adds passing credits up to each student’s credits earned, in graded terms', async () => {
    const transcripts = byStudent();
    let exact = 0;
    for (const student of students) {
      const list = transcripts.get(student.user_id) ?? [];
      if (student.credits_earned === 0) {
        expect(list).toEqual([]);
        exact += 1;
        continue;
      }
      const earned = list
        .filter((e) => isPassingGrade(e.grade))
        .reduce((sum, e) => sum + e.credits, 0);
      expect(Math.abs(earned - student.credits_earned), student.email).toBeLessThanOrEqual(3);
      if (earned === student.credits_earned) exact += 1;
      // Graduate students' records are graduate courses; undergraduates' never are.
      const graduateCourses = list.filter((e) => /^[A-Z]+ [5-9]/.test(e.course_code));
      expect(graduateCourses.length).toBe(student.class_standing === 'graduate' ? list.length : 0);
    }
    expect(exact / students.length).toBeGreaterThan(0.95);

    // Every term is over: before the current term, and ended before the seed date.
    const { rows: terms } = await sql<{ code: string; ends_on: string }>`
      select code, ends_on::text from terms`.execute(t.database.db);
    const ended = new Set(
      terms.filter((term) => term.ends_on < NOW.toISOString().slice(0, 10)).map((x) => x.code),
    );
    const known = new Set(terms.map((term) => term.code));
    for (const code of new Set(entries.map((e) => e.term_code))) {
      if (known.has(code)) expect(ended.has(code), code).toBe(true);
      else expect(termOrder(code)).toBeLessThan(Math.min(...[...known].map(termOrder)));
    }
  });

  it('grades mostly A and B, some C, a few D, F and W', () => {
    const share = (pattern: RegExp) =>
      entries.filter((e) => pattern.test(e.grade)).length / entries.length;
    expect(share(/^[AB]/)).toBeGreaterThan(0.7);
    expect(share(/^C/)).toBeGreaterThan(0.08);
    expect(share(/^C/)).toBeLessThan(0.25);
    const low = share(/^(D|F|W)/);
    expect(low).toBeGreaterThan(0.05);
    expect(low).toBeLessThan(0.2);
  });

  it('puts a hold on about 3% of students, most blocking, some lifted by whoever placed them', async () => {
    const { rows: holds } = await sql<{
      student_id: string;
      type: string;
      reason: string;
      blocks_registration: boolean;
      placed_roles: string[];
      placed_at: Date;
      lifted_by: string | null;
      placed_by: string;
      lifted_at: Date | null;
      lift_note: string | null;
      advisor_id: string | null;
    }>`select h.*, p.roles as placed_roles, s.advisor_id from holds h
        join users p on p.id = h.placed_by join students s on s.user_id = h.student_id`.execute(
      t.database.db,
    );
    const share = new Set(holds.map((h) => h.student_id)).size / students.length;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.05);
    expect(seeded.records.holds).toBe(holds.length);
    const active = holds.filter((h) => h.lifted_at === null);
    expect(active.length).toBe(seeded.records.activeHolds);
    expect(active.length).toBeGreaterThan(holds.length / 2);
    expect(active.length).toBeLessThan(holds.length);
    expect(active.filter((h) => h.blocks_registration).length).toBeGreaterThan(active.length / 2);
    expect(new Set(holds.map((h) => h.type)).size).toBeGreaterThanOrEqual(3);
    for (const hold of holds) {
      expect(hold.reason.length).toBeGreaterThan(10);
      if (hold.type === 'advising') expect(hold.placed_by).toBe(hold.advisor_id);
      else expect(hold.placed_roles).toContain('admin');
      expect(new Date(hold.placed_at).getTime()).toBeLessThan(NOW.getTime());
      if (hold.lifted_at) {
        expect(hold.lifted_by).toBe(hold.placed_by);
        expect(hold.lift_note).toBeTruthy();
        expect(new Date(hold.lifted_at).getTime()).toBeGreaterThan(
          new Date(hold.placed_at).getTime(),
        );
      }
    }
  });

  it('sets time tickets: graduate students and seniors first, freshmen last, within the window', async () => {
    const { rows: terms } = await sql<{
      id: string;
      registration_opens_at: Date;
      registration_closes_at: Date;
    }>`select id, registration_opens_at, registration_closes_at from terms
        where registration_closes_at > ${NOW}`.execute(t.database.db);
    expect(terms.length).toBe(2);
    for (const term of terms) {
      const rules = await t.database.db
        .selectFrom('time_ticket_rules')
        .select(['min_credits_earned', 'class_standing', 'opens_at'])
        .where('term_id', '=', term.id)
        .orderBy('position')
        .execute();
      expect(rules.length).toBeGreaterThanOrEqual(4);
      const at = (r: (typeof rules)[number]) => new Date(r.opens_at).getTime();
      const opens = new Date(term.registration_opens_at).getTime();
      const graduate = rules.find((r) => r.class_standing === 'graduate')!;
      const freshman = rules.find((r) => r.class_standing === 'freshman')!;
      expect(at(graduate)).toBe(opens);
      expect(at(freshman)).toBe(Math.max(...rules.map(at)));
      expect(at(freshman) - opens).toBeGreaterThanOrEqual(3 * 86_400_000);
      for (const rule of rules) {
        expect(at(rule)).toBeLessThan(new Date(term.registration_closes_at).getTime());
      }
      // More credits, never a later ticket.
      const byCredits = rules
        .filter((r) => r.min_credits_earned !== null)
        .sort((a, b) => Number(b.min_credits_earned) - Number(a.min_credits_earned));
      for (let i = 1; i < byCredits.length; i += 1) {
        expect(at(byCredits[i]!)).toBeGreaterThanOrEqual(at(byCredits[i - 1]!));
      }
      const overrides = await t.database.db
        .selectFrom('student_terms')
        .select(['opens_at'])
        .where('term_id', '=', term.id)
        .where('opens_at', 'is not', null)
        .execute();
      expect(overrides.length).toBeGreaterThan(0);
      expect(overrides.length).toBeLessThan(students.length * 0.02);
    }
    expect(seeded.records.ticketRules).toBe(14);
  });

  it('gives linked labs and discussions no credits of their own', async () => {
    const { rows } = await sql<{ kind: string; credits: string | null; n: number }>`
      select kind, credits::text, count(*)::int as n from sections
      where linked_group is not null group by 1, 2 order by 1, 2`.execute(t.database.db);
    const linked = rows.filter((r) => r.kind !== 'lecture');
    expect(linked.map((r) => r.kind).sort()).toEqual(['discussion', 'lab']);
    expect(linked.map((r) => (r.credits === null ? null : Number(r.credits)))).toEqual([0, 0]);
    // The lecture carries the course's credits.
    expect(rows.filter((r) => r.kind === 'lecture').map((r) => r.credits)).toEqual([null]);
  });

  it('lets the showcase student register at once, a lecture and its lab counting once', async () => {
    const db = t.database.db;
    const showcase = students.find((s) => s.email === `student@${DEMO_DOMAIN}`)!;
    expect(entries.some((e) => e.student_id === showcase.user_id)).toBe(true);
    const student = await loginAs(t, {
      email: showcase.email,
      password: DEMO_PASSWORDS.student,
    });
    const { rows: terms } = await sql<{ id: string }>`
      select id from terms where registration_opens_at <= ${NOW}
        and registration_closes_at > ${NOW}`.execute(db);
    const termId = terms[0]!.id;
    const ticket = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/time-ticket?termId=${termId}`,
      headers: student.headers,
    });
    expect(ticket.json<{ open: boolean; source: string }>()).toMatchObject({
      open: true,
      source: 'rule',
    });
    // A 4-credit course taught as a lecture with labs, open to anyone.
    const { rows: pairs } = await sql<{ lecture: string; lab: string; credits: string }>`
      select l.id as lecture, b.id as lab, c.credits_min::text as credits
      from sections l join courses c on c.id = l.course_id
      join sections b on b.term_id = l.term_id and b.course_id = l.course_id
        and b.linked_group = l.linked_group and b.kind = 'lab'
      where l.term_id = ${termId} and l.kind = 'lecture' and c.prerequisites is null
        and c.corequisites is null and c.restrictions = '{}'::jsonb
        and l.enrolled < l.capacity and b.enrolled < b.capacity
      order by c.code, l.section_code, b.section_code limit 1`.execute(db);
    expect(pairs.length).toBe(1);
    const { lecture, lab, credits } = pairs[0]!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/registrations',
      headers: student.headers,
      payload: { sectionId: lecture, withSectionIds: [lab] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/v1/me/registrations?termId=${termId}`,
      headers: student.headers,
    });
    const items = mine.json<{ items: Registration[] }>().items;
    expect(items.map((r) => r.status).sort()).toEqual(['enrolled', 'enrolled']);
    expect(items.reduce((sum, r) => sum + r.credits, 0)).toBe(Number(credits));
  });

  it('loads the same records again from the same seed date', async () => {
    const again = await createTestDatabase();
    try {
      await seedDemoUniversity(again.db, {
        size: 'small',
        progress: false,
        now: NOW,
        peopleCounts,
      });
      expect(await recordsFingerprint(again.db)).toEqual(await recordsFingerprint(t.database.db));
    } finally {
      await again.destroy();
    }
  }, 120_000);
});

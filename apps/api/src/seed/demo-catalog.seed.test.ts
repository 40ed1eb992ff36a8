import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestDatabase, type TestApp } from '../test/test-app.ts';
import { createUserWithRole, signedInAs } from '../test/auth-helpers.ts';
import { insertUsers } from '../modules/identity/identity.repo.ts';
import { parseRequisite, coursesIn } from '../modules/catalog/catalog.requisites.ts';
import { validateTermRecord } from '../modules/catalog/catalog.service.ts';
import type { Section } from '../modules/catalog/catalog.schemas.ts';
import { seedDemoCatalog, type DemoCatalog } from './demo-catalog.seed.ts';

const NOW = new Date('2026-11-22T12:00:00Z');

/** The catalog's content without generated ids, to compare two loads. */
async function fingerprint(db: TestApp['database']['db']): Promise<unknown> {
  const { rows } = await sql`
    select c.code, s.crn, s.section_code, s.kind, s.capacity, s.waitlist_capacity, s.linked_group,
      (select string_agg(coalesce(m.days, '-') || coalesce(m.start_time::text, '') || coalesce(m.location, ''), ';' order by m.id)
        from section_meetings m where m.section_id = s.id) as meetings,
      (select string_agg(i.name, ';' order by i.position) from section_instructors i where i.section_id = s.id) as instructors
    from sections s join courses c on c.id = s.course_id join terms t on t.id = s.term_id
    order by t.code, s.crn`.execute(db);
  return rows;
}

describe('demo catalog seed', () => {
  let t: TestApp;
  let catalog: DemoCatalog;
  let instructorIds: string[];

  beforeAll(async () => {
    t = await createTestApp();
    instructorIds = [];
    for (let i = 0; i < 3; i += 1) {
      instructorIds.push((await createUserWithRole(t, 'instructor')).id);
    }
    catalog = await seedDemoCatalog(t.database.db, { size: 'small', progress: false, now: NOW });
  });
  afterAll(async () => {
    await t.close();
  });

  it('makes about 300 courses and 900 sections over a current and a next term', () => {
    // 20 in each of 15 subjects, and 10 graduate courses in each of CS, DS and ECON.
    expect(catalog.courseCount).toBe(330);
    expect(catalog.sectionCount).toBeGreaterThanOrEqual(880);
    expect(catalog.sectionCount).toBeLessThanOrEqual(920);
    expect(catalog.currentTerm.code).toBe('SP2027');
    expect(catalog.nextTerm.code).toBe('FA2027');
    expect(catalog.pastTerms.map((p) => p.code)).toEqual(['SP2026', 'FA2026']);
  });

  it('opens the current term’s registration at the seed date, with valid term dates', () => {
    const term = catalog.currentTerm;
    expect(new Date(term.registrationOpensAt).getTime()).toBeLessThan(NOW.getTime());
    expect(new Date(term.registrationClosesAt).getTime()).toBeGreaterThan(NOW.getTime());
    for (const t2 of [catalog.currentTerm, catalog.nextTerm, ...catalog.pastTerms]) {
      expect(
        validateTermRecord({
          ...t2,
          registrationOpensAt: new Date(t2.registrationOpensAt),
          registrationClosesAt: new Date(t2.registrationClosesAt),
          addDropDeadline: new Date(t2.addDropDeadline),
          withdrawDeadline: new Date(t2.withdrawDeadline),
        }),
      ).toEqual([]);
    }
  });

  it('writes prerequisite chains that parse and name existing lower-level courses', async () => {
    const courses = await t.database.db
      .selectFrom('courses')
      .select(['code', 'number', 'prerequisites'])
      .execute();
    const byCode = new Map(courses.map((c) => [c.code, c]));
    const withPrerequisites = courses.filter((c) => c.prerequisites !== null);
    expect(withPrerequisites.length).toBeGreaterThan(150);
    for (const course of withPrerequisites) {
      for (const code of coursesIn(parseRequisite(course.prerequisites!))) {
        const required = byCode.get(code);
        expect(required, `${course.code} needs ${code}`).toBeDefined();
        expect(Number(required!.number[0])).toBeLessThan(Number(course.number[0]));
      }
    }
  });

  it('uses realistic meeting patterns, rooms and linked lecture groups', async () => {
    const db = t.database.db;
    const meetings = await db
      .selectFrom('section_meetings')
      .select(['days', 'start_time', 'end_time', 'location'])
      .where('days', 'is not', null)
      .execute();
    const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
    for (const m of meetings) {
      const length = minutes(m.end_time!) - minutes(m.start_time!);
      if (m.days === 'MWF') expect(length).toBe(50);
      if (m.days === 'TR' || m.days === 'MW') expect(length).toBe(75);
      expect(m.location).toMatch(/ \d{3}$/);
    }
    const { rows: groups } = await sql<{ kinds: string[] }>`
      select array_agg(distinct kind order by kind) as kinds from sections
      where linked_group is not null group by term_id, course_id, linked_group`.execute(db);
    expect(groups.length).toBeGreaterThan(20);
    for (const g of groups) {
      expect(g.kinds).toContain('lecture');
      expect(g.kinds.length).toBe(2);
    }
    const { rows: reserved } = await sql<{ over: number }>`
      select count(*)::int as over from sections s
      where (select coalesce(sum(seats), 0) from section_reserved_seats r where r.section_id = s.id) > s.capacity`.execute(
      db,
    );
    expect(reserved[0]!.over).toBe(0);
    const kinds = await db
      .selectFrom('section_reserved_seats')
      .select('group_kind')
      .distinct()
      .execute();
    expect(kinds.map((k) => k.group_kind).sort()).toEqual(['class_standing', 'cohort', 'program']);
  });

  it('assigns lectures to the instructor users and labs to teaching assistants', async () => {
    const { rows } = await sql<{ kind: string; linked: number; total: number }>`
      select s.kind, count(i.user_id)::int as linked, count(*)::int as total
      from sections s join section_instructors i on i.section_id = s.id group by s.kind`.execute(
      t.database.db,
    );
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    expect(byKind.get('lecture')!.linked).toBe(byKind.get('lecture')!.total);
    expect(byKind.get('lab')!.linked).toBe(0);
    const used = await t.database.db
      .selectFrom('section_instructors')
      .select('user_id')
      .distinct()
      .where('user_id', 'is not', null)
      .execute();
    expect(used.map((u) => u.user_id).sort()).toEqual([...instructorIds].sort());
  });

  it('is searchable at once', async () => {
    const student = await signedInAs(t, 'student');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/terms/${catalog.currentTerm.id}/sections?q=calc&days=MWF&open=true`,
      headers: student.headers,
    });
    const items = res.json<{ items: Section[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    for (const s of items) {
      expect(s.title.toLowerCase()).toContain('calculus');
      expect(s.meetings.every((m) => m.days === null || /^[MWF]+$/.test(m.days))).toBe(true);
    }
  });

  it('loads the same catalog again from the same seed date', async () => {
    const again = await createTestDatabase();
    try {
      // The same instructor users (ordered by email), then the same seed date.
      const users = await t.database.db
        .selectFrom('users')
        .select(['id', 'email', 'username', 'name', 'password_hash', 'roles'])
        .where(sql<boolean>`'instructor' = any(roles)`)
        .execute();
      await insertUsers(
        again.db,
        users.map((u) => ({
          id: u.id,
          email: u.email,
          username: u.username,
          name: u.name,
          passwordHash: u.password_hash,
          roles: u.roles,
        })),
      );
      const second = await seedDemoCatalog(again.db, { size: 'small', progress: false, now: NOW });
      expect(second.sectionCount).toBe(catalog.sectionCount);
      expect(await fingerprint(again.db)).toEqual(await fingerprint(t.database.db));
    } finally {
      await again.destroy();
    }
  });
});

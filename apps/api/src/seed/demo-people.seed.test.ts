import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db/schema.ts';
import { createTestApp, createTestDatabase, type TestApp } from '../test/test-app.ts';
import { classStandingForCredits } from '../modules/identity/identity.service.ts';
import { seedDemoPeople, type DemoPeople } from './demo-people.seed.ts';

// More students than one insert batch, fewer than the real small size, to keep the test quick.
const counts = { advisors: 3, instructors: 4, students: 1_200 };

async function snapshot(db: Kysely<DB>) {
  const { rows } = await sql<{ line: string }>`
    select concat_ws('|', u.email, u.username, u.name, array_to_string(u.roles, ','),
      s.student_number, s.program_code, s.class_standing, s.credits_earned,
      array_to_string(s.interests, ','), a.email) as line
    from users u
    left join students s on s.user_id = u.id
    left join users a on a.id = s.advisor_id
    order by u.email`.execute(db);
  return rows.map((r) => r.line);
}

describe('seedDemoPeople', () => {
  let t: TestApp;
  let people: DemoPeople;
  beforeAll(async () => {
    t = await createTestApp();
    people = await seedDemoPeople(t.database.db, { size: 'small', progress: false, counts });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the admin, staff and students with consistent records', async () => {
    const db = t.database.db;
    const byRole = await sql<{ role: string; n: number }>`
      select unnest(roles) as role, count(*)::int as n from users group by 1 order by 1`.execute(
      db,
    );
    expect(Object.fromEntries(byRole.rows.map((r) => [r.role, r.n]))).toEqual({
      admin: 1,
      advisor: 3,
      instructor: 4,
      student: 1_200,
    });
    expect(people.instructors).toHaveLength(4);
    expect(people.studentCount).toBe(1_200);

    const students = await db
      .selectFrom('students')
      .innerJoin('users as advisor', 'advisor.id', 'students.advisor_id')
      .select([
        'class_standing',
        'credits_earned',
        'program_code',
        'advisor.roles',
        'student_number',
      ])
      .execute();
    expect(students).toHaveLength(1_200);
    for (const s of students) {
      expect(s.roles).toContain('advisor');
      expect(s.program_code).toBeTruthy();
      if (s.class_standing !== 'graduate') {
        expect(s.class_standing).toBe(classStandingForCredits(s.credits_earned));
      }
    }
    expect(new Set(students.map((s) => s.class_standing)).size).toBe(5);
    expect(new Set(students.map((s) => s.student_number)).size).toBe(1_200);
    // The programs students study exist in the catalog's program table.
    const orphans = await sql<{ n: number }>`
      select count(*)::int as n from students s
      where not exists (select 1 from programs p where p.code = s.program_code)`.execute(db);
    expect(orphans.rows[0]!.n).toBe(0);
  });

  it('returns demo logins that work, and the demo student is the demo advisor’s advisee', async () => {
    expect(people.logins.map((l) => l.role)).toEqual(['admin', 'advisor', 'instructor', 'student']);
    for (const login of people.logins) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: login.login, password: login.password },
      });
      expect(res.statusCode, `${login.role}: ${res.body}`).toBe(200);
      expect(res.json<{ user: { roles: string[] } }>().user.roles).toContain(login.role);
    }
    const byUsername = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'admin', password: people.logins[0]!.password },
    });
    expect(byUsername.statusCode).toBe(200);

    const advisor = people.advisors[0]!;
    const student = await t.database.db
      .selectFrom('students')
      .select('advisor_id')
      .where('user_id', '=', people.demoStudent!.id)
      .executeTakeFirstOrThrow();
    expect(student.advisor_id).toBe(advisor.id);
  });

  it('is deterministic: another database gets the very same people', async () => {
    const other = await createTestDatabase();
    try {
      await seedDemoPeople(other.db, { size: 'small', progress: false, counts });
      expect(await snapshot(other.db)).toEqual(await snapshot(t.database.db));
    } finally {
      await other.destroy();
    }
  });

  it('refuses to load the people twice', async () => {
    await expect(
      seedDemoPeople(t.database.db, { size: 'small', progress: false, counts }),
    ).rejects.toThrow(/already loaded/);
  });
});

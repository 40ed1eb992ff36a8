// A small university written straight into a test database for the registration tests: a term,
// subjects, courses, sections, students and staff with signed access tokens (no password hashing:
// hundreds of students must be cheap).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { createMailer } from '../../lib/mailer.ts';
import type { TestApp } from '../../test/test-app.ts';
import { createRegistrationService, type RegistrationService } from './registration.service.ts';
import type { ClassStanding, Role } from '../../db/tables/identity.ts';
import { newId } from '../../lib/ids.ts';
import { createTokenSigner } from '../identity/identity.tokens.ts';

export interface WorldMeeting {
  days: string | null;
  start?: string | null;
  end?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  location?: string | null;
}

export interface WorldTerm {
  id: string;
  code: string;
  name: string;
  timeZone: string;
}

export interface WorldPerson {
  id: string;
  name: string;
  email: string;
  headers: { authorization: string };
}

export interface TermOptions {
  opensAt?: Date;
  closesAt?: Date;
  addDropDeadline?: Date;
  withdrawDeadline?: Date;
  minCredits?: number;
  maxCredits?: number;
  claimWindowHours?: number | null;
}

const DAY = 86_400_000;
let sequence = 0;
const unique = (): string => `${Date.now().toString(36)}${(sequence++).toString(36)}`;

export interface World {
  db: Kysely<DB>;
  term: WorldTerm;
  addTerm(options?: TermOptions): Promise<WorldTerm>;
  addCourse(input: {
    code: string;
    credits?: number;
    prerequisites?: string | null;
    corequisites?: string | null;
    restrictions?: { classStandings?: string[]; programs?: string[] };
  }): Promise<string>;
  addSection(input: {
    course: string;
    code?: string;
    term?: WorldTerm;
    kind?: string;
    capacity?: number;
    waitlistCapacity?: number;
    waitlistMode?: 'auto' | 'claim';
    linkedGroup?: string | null;
    credits?: number | null;
    meetings?: WorldMeeting[];
    instructorId?: string | null;
    reservedSeats?: {
      kind: 'class_standing' | 'program' | 'cohort';
      value: string;
      label: string;
      seats: number;
      until?: Date | null;
    }[];
  }): Promise<string>;
  addStudent(input?: {
    name?: string;
    creditsEarned?: number;
    classStanding?: ClassStanding;
    program?: string | null;
    advisorId?: string | null;
  }): Promise<WorldPerson>;
  addStaff(roles: Role[], name?: string): Promise<WorldPerson>;
  /** Students in bulk, one insert each for users, students and sessions. */
  addStudents(count: number): Promise<WorldPerson[]>;
}

export async function createWorld(
  db: Kysely<DB>,
  jwtSecret: string,
  options: TermOptions = {},
): Promise<World> {
  const signer = createTokenSigner(jwtSecret);
  const courses = new Map<string, string>();

  async function addTerm(termOptions: TermOptions = {}): Promise<WorldTerm> {
    const now = Date.now();
    const id = newId();
    const code = `T${unique()}`.slice(0, 20);
    const name = `Fall ${code}`;
    await db
      .insertInto('terms')
      .values({
        id,
        code,
        name,
        time_zone: 'America/Chicago',
        starts_on: '2026-08-24',
        ends_on: '2026-12-11',
        registration_opens_at: termOptions.opensAt ?? new Date(now - 10 * DAY),
        registration_closes_at: termOptions.closesAt ?? new Date(now + 30 * DAY),
        add_drop_deadline: termOptions.addDropDeadline ?? new Date(now + 40 * DAY),
        withdraw_deadline: termOptions.withdrawDeadline ?? new Date(now + 80 * DAY),
        min_credits: termOptions.minCredits ?? 0,
        max_credits: termOptions.maxCredits ?? 18,
        claim_window_hours: termOptions.claimWindowHours ?? null,
      })
      .execute();
    return { id, code, name, timeZone: 'America/Chicago' };
  }

  async function sessionFor(userId: string, roles: Role[]): Promise<{ authorization: string }> {
    const sessionId = newId();
    await db
      .insertInto('sessions')
      .values({ id: sessionId, user_id: userId, expires_at: new Date(Date.now() + DAY) })
      .execute();
    const token = await signer.signAccessToken({ userId, sessionId, roles });
    return { authorization: `Bearer ${token}` };
  }

  const term = await addTerm(options);

  return {
    db,
    term,
    addTerm,
    async addCourse(input) {
      const subject = input.code.split(' ')[0]!;
      await db
        .insertInto('subjects')
        .values({ code: subject, name: subject })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const id = newId();
      await db
        .insertInto('courses')
        .values({
          id,
          code: input.code,
          subject_code: subject,
          number: input.code.split(' ')[1] ?? '100',
          title: `${input.code} title`,
          credits_min: input.credits ?? 3,
          credits_max: input.credits ?? 3,
          prerequisites: input.prerequisites ?? null,
          corequisites: input.corequisites ?? null,
          restrictions: JSON.stringify(input.restrictions ?? {}),
        })
        .execute();
      courses.set(input.code, id);
      return id;
    },
    async addSection(input) {
      const courseId = courses.get(input.course);
      if (!courseId) throw new Error(`add course ${input.course} first`);
      const id = newId();
      const target = input.term ?? term;
      await db
        .insertInto('sections')
        .values({
          id,
          term_id: target.id,
          course_id: courseId,
          crn: unique().slice(-10),
          section_code: input.code ?? `S${unique().slice(-4)}`,
          kind: (input.kind ?? 'lecture') as 'lecture',
          credits: input.credits ?? null,
          capacity: input.capacity ?? 30,
          waitlist_capacity: input.waitlistCapacity ?? 0,
          waitlist_mode: input.waitlistMode ?? 'auto',
          linked_group: input.linkedGroup ?? null,
        })
        .execute();
      for (const m of input.meetings ?? []) {
        await db
          .insertInto('section_meetings')
          .values({
            id: newId(),
            section_id: id,
            days: m.days,
            start_time: m.start ?? null,
            end_time: m.end ?? null,
            location: m.location ?? null,
            start_date: m.startDate ?? null,
            end_date: m.endDate ?? null,
          })
          .execute();
      }
      if (input.instructorId !== undefined) {
        await db
          .insertInto('section_instructors')
          .values({ section_id: id, position: 0, name: 'Instructor', user_id: input.instructorId })
          .execute();
      }
      for (const r of input.reservedSeats ?? []) {
        await db
          .insertInto('section_reserved_seats')
          .values({
            id: newId(),
            section_id: id,
            group_kind: r.kind,
            group_value: r.value,
            label: r.label,
            seats: r.seats,
            until: r.until ?? null,
          })
          .execute();
      }
      return id;
    },
    async addStudent(input = {}) {
      const id = newId();
      const tag = unique();
      const name = input.name ?? `Student ${tag}`;
      const email = `s-${tag}@test.openregistrar.dev`;
      await db
        .insertInto('users')
        .values({ id, email, name, roles: ['student'], password_hash: null, username: null })
        .execute();
      await db
        .insertInto('students')
        .values({
          user_id: id,
          student_number: `N${tag}`.slice(0, 20),
          program_code: input.program ?? null,
          class_standing: input.classStanding ?? 'sophomore',
          credits_earned: input.creditsEarned ?? 30,
          advisor_id: input.advisorId ?? null,
        })
        .execute();
      return { id, name, email, headers: await sessionFor(id, ['student']) };
    },
    async addStaff(roles, name) {
      const id = newId();
      const tag = unique();
      const email = `staff-${tag}@test.openregistrar.dev`;
      const display = name ?? `Staff ${tag}`;
      await db
        .insertInto('users')
        .values({ id, email, name: display, roles, password_hash: null, username: null })
        .execute();
      return { id, name: display, email, headers: await sessionFor(id, roles) };
    },
    async addStudents(count) {
      const people = Array.from({ length: count }, () => {
        const tag = unique();
        return {
          id: newId(),
          sessionId: newId(),
          tag,
          name: `Student ${tag}`,
          email: `s-${tag}@test.openregistrar.dev`,
        };
      });
      const expires = new Date(Date.now() + DAY);
      for (let i = 0; i < people.length; i += 500) {
        const batch = people.slice(i, i + 500);
        await db
          .insertInto('users')
          .values(
            batch.map((p) => ({
              id: p.id,
              email: p.email,
              name: p.name,
              roles: ['student' as const],
              password_hash: null,
              username: null,
            })),
          )
          .execute();
        await db
          .insertInto('students')
          .values(
            batch.map((p) => ({
              user_id: p.id,
              student_number: `N${p.tag}`.slice(0, 20),
              class_standing: 'sophomore' as const,
              credits_earned: 30,
            })),
          )
          .execute();
        await db
          .insertInto('sessions')
          .values(batch.map((p) => ({ id: p.sessionId, user_id: p.id, expires_at: expires })))
          .execute();
      }
      return Promise.all(
        people.map(async (p) => ({
          id: p.id,
          name: p.name,
          email: p.email,
          headers: {
            authorization: `Bearer ${await signer.signAccessToken({
              userId: p.id,
              sessionId: p.sessionId,
              roles: ['student'],
            })}`,
          },
        })),
      );
    },
  };
}

/** An engine on the test app's database, for what no route triggers (the offer-expiry sweep). */
export function createTestEngine(t: TestApp, clock: Clock): RegistrationService {
  return createRegistrationService({
    config: t.config,
    database: t.database,
    jobs: t.jobs,
    clock,
    mailer: createMailer({ db: t.database.db, config: t.config }),
    signer: createTokenSigner(t.config.jwtSecret),
    live: t.app.live,
  });
}

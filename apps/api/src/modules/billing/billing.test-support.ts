// Test data for the billing tests: signed-in users, a term and sections, written straight into
// the database so these tests depend only on the foundation and billing itself.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Role } from '../../db/tables/identity.ts';
import { newId } from '../../lib/ids.ts';
import { createTokenSigner } from '../identity/identity.tokens.ts';
import type { TestApp } from '../../test/test-app.ts';

export interface BillingTestUser {
  id: string;
  email: string;
  name: string;
  headers: { authorization: string };
}

/** A user with the roles (and a student record for students) and a live session token. */
export async function createSignedInUser(t: TestApp, roles: Role[]): Promise<BillingTestUser> {
  const db = t.database.db;
  const id = newId();
  const tag = randomBytes(4).toString('hex');
  const name = `Test ${roles.join(' ')} ${tag}`;
  const email = `${roles.join('-')}-${tag}@billing.test`;
  const sessionId = newId();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('users')
      .values({ id, email, name, username: null, password_hash: null, roles })
      .execute();
    if (roles.includes('student')) {
      await tx
        .insertInto('students')
        .values({ user_id: id, student_number: `B${tag}`, program_code: null, advisor_id: null })
        .execute();
    }
    await tx
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_id: id,
        expires_at: new Date(Date.now() + 3_600_000),
        revoked_reason: null,
        ip: null,
        user_agent: null,
      })
      .execute();
  });
  const token = await createTokenSigner(t.config.jwtSecret).signAccessToken({
    userId: id,
    sessionId,
    roles,
  });
  return { id, email, name, headers: { authorization: `Bearer ${token}` } };
}

export async function insertBillingTerm(
  db: Kysely<DB>,
  options: { timeZone?: string } = {},
): Promise<{ id: string; code: string }> {
  const id = newId();
  const code = `B${id.replace(/-/g, '').slice(-8)}`;
  await db
    .insertInto('terms')
    .values({
      id,
      code,
      name: `Billing term ${code}`,
      time_zone: options.timeZone ?? 'America/Chicago',
      starts_on: '2026-08-24',
      ends_on: '2026-12-11',
      registration_opens_at: new Date('2026-04-01T00:00:00Z'),
      registration_closes_at: new Date('2026-09-30T00:00:00Z'),
      add_drop_deadline: new Date('2026-09-04T23:59:59Z'),
      withdraw_deadline: new Date('2026-10-30T23:59:59Z'),
      claim_window_hours: null,
    })
    .execute();
  return { id, code };
}

export interface BillingTestSection {
  id: string;
  courseId: string;
  code: string;
  credits: number;
}

let courseCounter = 0;

export async function insertBillingSection(
  db: Kysely<DB>,
  termId: string,
  options: { subject?: string; credits?: number } = {},
): Promise<BillingTestSection> {
  courseCounter += 1;
  const subject = options.subject ?? 'BIL';
  const number = `${100 + courseCounter}${randomBytes(1).toString('hex')}`;
  const credits = options.credits ?? 3;
  await db
    .insertInto('subjects')
    .values({ code: subject, name: `${subject} subject` })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const courseId = newId();
  await db
    .insertInto('courses')
    .values({
      id: courseId,
      code: `${subject} ${number}`,
      subject_code: subject,
      number,
      title: `Course ${subject} ${number}`,
      credits_min: credits,
      credits_max: credits,
      prerequisites: null,
      corequisites: null,
      restrictions: '{}',
    })
    .execute();
  const id = newId();
  await db
    .insertInto('sections')
    .values({
      id,
      term_id: termId,
      course_id: courseId,
      crn: id.replace(/-/g, '').slice(-8),
      section_code: 'A1',
      capacity: 30,
      title: null,
      credits: null,
      linked_group: null,
      cancelled_at: null,
    })
    .execute();
  return { id, courseId, code: `${subject} ${number} A1`, credits };
}

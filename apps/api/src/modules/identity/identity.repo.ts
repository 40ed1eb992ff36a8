// The only place that queries the identity tables. Every function takes the executor (the
// database or the caller's transaction) first and returns mapped records, never raw rows.
import { sql, type Kysely } from 'kysely';
import { CACHED_PLAN_MARK } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import type { ClassStanding, Role } from '../../db/tables/identity.ts';

type Executor = Kysely<DB>;

export interface StudentRecord {
  studentNumber: string;
  program: string | null;
  classStanding: ClassStanding;
  creditsEarned: number;
  interests: string[];
  advisorId: string | null;
}

export interface UserAccount {
  id: string;
  email: string;
  username: string | null;
  name: string;
  roles: Role[];
  disabledAt: Date | null;
  createdAt: Date;
  student: StudentRecord | undefined;
}

export interface UserWithCredentials extends UserAccount {
  passwordHash: string | null;
}

/** The PostgreSQL constraint a unique violation names, or undefined for any other error. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return undefined;
  return typeof constraint === 'string' ? constraint : '';
}

function selectAccounts(db: Executor) {
  return db
    .selectFrom('users')
    .leftJoin('students', 'students.user_id', 'users.id')
    .select([
      'users.id',
      'users.email',
      'users.username',
      'users.name',
      'users.roles',
      'users.disabled_at',
      'users.created_at',
      'users.password_hash',
      'students.student_number',
      'students.program_code',
      'students.class_standing',
      'students.credits_earned',
      'students.interests',
      'students.advisor_id',
    ]);
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof selectAccounts>['executeTakeFirstOrThrow']>>;

function toAccount(row: AccountRow): UserWithCredentials {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    name: row.name,
    roles: row.roles,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
    student:
      row.student_number === null
        ? undefined
        : {
            studentNumber: row.student_number,
            program: row.program_code,
            classStanding: row.class_standing ?? 'freshman',
            creditsEarned: row.credits_earned ?? 0,
            interests: row.interests ?? [],
            advisorId: row.advisor_id,
          },
  };
}

function withoutCredentials(account: UserWithCredentials): UserAccount {
  const { passwordHash: _omit, ...rest } = account;
  return rest;
}

export async function findUserById(db: Executor, id: string): Promise<UserAccount | undefined> {
  const row = await selectAccounts(db).where('users.id', '=', id).executeTakeFirst();
  return row ? withoutCredentials(toAccount(row)) : undefined;
}

/** The account whose email or username is `login` (both are case-insensitive columns). */
export async function findUserByLogin(
  db: Executor,
  login: string,
): Promise<UserWithCredentials | undefined> {
  const row = await selectAccounts(db)
    .where((eb) =>
      login.includes('@') ? eb('users.email', '=', login) : eb('users.username', '=', login),
    )
    .executeTakeFirst();
  return row ? toAccount(row) : undefined;
}

export async function findUserByEmail(
  db: Executor,
  email: string,
): Promise<UserAccount | undefined> {
  const row = await selectAccounts(db).where('users.email', '=', email).executeTakeFirst();
  return row ? withoutCredentials(toAccount(row)) : undefined;
}

export async function lockUser(db: Executor, id: string): Promise<UserAccount | undefined> {
  await db.selectFrom('users').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return findUserById(db, id);
}

export interface NewUser {
  id: string;
  email: string;
  username: string | null;
  name: string;
  passwordHash: string | null;
  roles: Role[];
}

export async function insertUser(db: Executor, user: NewUser): Promise<void> {
  await insertUsers(db, [user]);
}

/** One multi-row insert (bulk loads pass a batch). */
export async function insertUsers(db: Executor, users: readonly NewUser[]): Promise<void> {
  if (users.length === 0) return;
  await db
    .insertInto('users')
    .values(
      users.map((user) => ({
        id: user.id,
        email: user.email,
        username: user.username,
        name: user.name,
        password_hash: user.passwordHash,
        roles: user.roles,
      })),
    )
    .execute();
}

export interface NewStudent {
  userId: string;
  studentNumber: string;
  program: string | null;
  classStanding: ClassStanding;
  creditsEarned: number;
  interests: string[];
  advisorId: string | null;
}

export async function insertStudent(db: Executor, student: NewStudent): Promise<void> {
  await insertStudents(db, [student]);
}

export async function insertStudents(db: Executor, students: readonly NewStudent[]): Promise<void> {
  if (students.length === 0) return;
  await db
    .insertInto('students')
    .values(
      students.map((student) => ({
        user_id: student.userId,
        student_number: student.studentNumber,
        program_code: student.program,
        class_standing: student.classStanding,
        credits_earned: student.creditsEarned,
        interests: student.interests,
        advisor_id: student.advisorId,
      })),
    )
    .execute();
}

export async function nextStudentNumber(db: Executor): Promise<string> {
  const { rows } = await sql<{
    n: string | number;
  }>`select nextval('student_number_seq')::text as n`.execute(db);
  return String(rows[0]!.n);
}

/**
 * Reserves `count` consecutive student numbers at once (bulk loads); returns the first.
 * The sequence moves past the block, so later sign-ups never collide with it.
 */
export async function reserveStudentNumbers(db: Executor, count: number): Promise<number> {
  const { rows } = await sql<{ last: string | number }>`
    select setval('student_number_seq', nextval('student_number_seq') + ${count - 1}::bigint)::text as last
  `.execute(db);
  return Number(rows[0]!.last) - count + 1;
}

export interface UserPatch {
  name?: string;
  email?: string;
  username?: string | null;
  roles?: Role[];
  disabledAt?: Date | null;
  passwordHash?: string;
}

export async function updateUser(
  db: Executor,
  id: string,
  patch: UserPatch,
  now: Date,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.username !== undefined ? { username: patch.username } : {}),
      ...(patch.roles !== undefined ? { roles: patch.roles } : {}),
      ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
      ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export interface StudentPatch {
  program?: string | null;
  classStanding?: ClassStanding;
  creditsEarned?: number;
  interests?: string[];
  advisorId?: string | null;
}

export async function updateStudent(
  db: Executor,
  userId: string,
  patch: StudentPatch,
): Promise<void> {
  const values = {
    ...(patch.program !== undefined ? { program_code: patch.program } : {}),
    ...(patch.classStanding !== undefined ? { class_standing: patch.classStanding } : {}),
    ...(patch.creditsEarned !== undefined ? { credits_earned: patch.creditsEarned } : {}),
    ...(patch.interests !== undefined ? { interests: patch.interests } : {}),
    ...(patch.advisorId !== undefined ? { advisor_id: patch.advisorId } : {}),
  };
  if (Object.keys(values).length === 0) return;
  await db.updateTable('students').set(values).where('user_id', '=', userId).execute();
}

/** The student row locked for the caller's transaction (credits change under this lock). */
export async function lockStudent(
  db: Executor,
  userId: string,
): Promise<{ creditsEarned: number; classStanding: ClassStanding } | undefined> {
  const row = await db
    .selectFrom('students')
    .select(['credits_earned', 'class_standing'])
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row ? { creditsEarned: row.credits_earned, classStanding: row.class_standing } : undefined;
}

export async function userHasRole(db: Executor, userId: string, role: Role): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where(sql<boolean>`${role} = any(roles)`)
    .executeTakeFirst();
  return row !== undefined;
}

export async function programExists(db: Executor, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('programs')
    .select('code')
    .where('code', '=', code)
    .executeTakeFirst();
  return row !== undefined;
}

/** Ids of the active administrators, locked in id order (a fixed order cannot deadlock). */
export async function lockActiveAdminIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where(sql<boolean>`roles @> array['admin']::text[]`)
    .where('disabled_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export async function studentNumberExists(db: Executor, studentNumber: string): Promise<boolean> {
  const row = await db
    .selectFrom('students')
    .select('user_id')
    .where('student_number', '=', studentNumber)
    .executeTakeFirst();
  return row !== undefined;
}

export interface UserListFilter {
  role: Role | undefined;
  q: string | undefined;
  limit: number;
  after: { name: string; id: string } | undefined;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page in (name, id) order; fetches one extra row to tell whether another page follows. */
export async function listUsers(db: Executor, filter: UserListFilter): Promise<UserAccount[]> {
  let query = selectAccounts(db);
  if (filter.role) query = query.where(sql<boolean>`users.roles @> array[${filter.role}]::text[]`);
  const q = filter.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    query = query.where((eb) =>
      eb.or([
        eb('users.name', 'ilike', pattern),
        eb(sql<string>`users.email::text`, 'ilike', pattern),
        eb(sql<string>`users.username::text`, 'ilike', pattern),
        eb('students.student_number', 'ilike', pattern),
      ]),
    );
  }
  if (filter.after) {
    query = query.where(
      sql<boolean>`(users.name, users.id) > (${filter.after.name}, ${filter.after.id}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(filter.limit + 1)
    .execute();
  return rows.map((row) => withoutCredentials(toAccount(row)));
}

export interface StudentProfileRecord {
  id: string;
  name: string;
  email: string;
  username: string | null;
  disabledAt: Date | null;
  studentNumber: string;
  program: string | null;
  programName: string | null;
  classStanding: ClassStanding;
  creditsEarned: number;
  interests: string[];
  advisor: { id: string; name: string; email: string } | null;
}

export async function findStudentProfile(
  db: Executor,
  studentId: string,
): Promise<StudentProfileRecord | undefined> {
  const row = await db
    .selectFrom('students')
    .innerJoin('users', 'users.id', 'students.user_id')
    .leftJoin('users as advisor', 'advisor.id', 'students.advisor_id')
    .leftJoin('programs', 'programs.code', 'students.program_code')
    .select([
      'users.id',
      'users.name',
      'users.email',
      'users.username',
      'users.disabled_at',
      'students.student_number',
      'students.program_code',
      'programs.name as program_name',
      'students.class_standing',
      'students.credits_earned',
      'students.interests',
      'advisor.id as advisor_id',
      'advisor.name as advisor_name',
      'advisor.email as advisor_email',
    ])
    .where('students.user_id', '=', studentId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    username: row.username,
    disabledAt: row.disabled_at,
    studentNumber: row.student_number,
    program: row.program_code,
    programName: row.program_name,
    classStanding: row.class_standing,
    creditsEarned: row.credits_earned,
    interests: row.interests,
    advisor:
      row.advisor_id && row.advisor_name && row.advisor_email
        ? { id: row.advisor_id, name: row.advisor_name, email: row.advisor_email }
        : null,
  };
}

/** The advisor of a student, or null; undefined when the student does not exist. */
export async function findStudentAdvisorId(
  db: Executor,
  studentId: string,
): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('students')
    .select('advisor_id')
    .where('user_id', '=', studentId)
    .executeTakeFirst();
  return row ? row.advisor_id : undefined;
}

// Sessions and refresh tokens ------------------------------------------------------------------

export async function insertSession(
  db: Executor,
  session: {
    id: string;
    userId: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
    now: Date;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.now,
      expires_at: session.expiresAt,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

export async function insertRefreshToken(
  db: Executor,
  token: { hash: string; sessionId: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      token_hash: token.hash,
      session_id: token.sessionId,
      created_at: token.now,
      expires_at: token.expiresAt,
    })
    .execute();
}

export interface RefreshTokenState {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  sessionExpiresAt: Date;
  sessionRevokedAt: Date | null;
  userDisabledAt: Date | null;
}

/**
 * The token, its session and its user, with the token row locked: two refreshes racing with the
 * same token serialize here, and the second sees the first's `used_at`.
 */
export async function lockRefreshToken(
  db: Executor,
  hash: string,
): Promise<RefreshTokenState | undefined> {
  const row = await db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'refresh_tokens.session_id',
      'refresh_tokens.expires_at',
      'refresh_tokens.used_at',
      'sessions.user_id',
      'sessions.expires_at as session_expires_at',
      'sessions.revoked_at',
      'users.disabled_at',
    ])
    .where('refresh_tokens.token_hash', '=', hash)
    .forUpdate('refresh_tokens')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    sessionExpiresAt: row.session_expires_at,
    sessionRevokedAt: row.revoked_at,
    userDisabledAt: row.disabled_at,
  };
}

export async function findSessionIdByRefreshToken(
  db: Executor,
  hash: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select('session_id')
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  return row?.session_id;
}

export async function markRefreshTokenUsed(db: Executor, hash: string, now: Date): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .execute();
}

/**
 * The roles of a session's user while the session is live (not revoked, not expired, user not
 * disabled); undefined otherwise. Checked on every authenticated request, so its plan is cached.
 */
export async function findLiveSessionRoles(
  db: Executor,
  sessionId: string,
  userId: string,
  now: Date,
): Promise<Role[] | undefined> {
  const result = await sql<{ roles: Role[] }>`
    ${sql.raw(CACHED_PLAN_MARK)}
    select u.roles from sessions s join users u on u.id = s.user_id
    where s.id = ${sessionId}::uuid and s.user_id = ${userId}::uuid and s.revoked_at is null
      and s.expires_at > ${now}::timestamptz and u.disabled_at is null`.execute(db);
  return result.rows[0]?.roles;
}

export async function revokeSession(
  db: Executor,
  sessionId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(
  db: Executor,
  userId: string,
  reason: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

// Login throttling ------------------------------------------------------------------------------

/** The latest lock among `keys` still in force at `now`, if any. */
export async function findLoginLock(
  db: Executor,
  keys: string[],
  now: Date,
): Promise<Date | undefined> {
  const rows = await db
    .selectFrom('login_throttle')
    .select('locked_until')
    .where('key', 'in', keys)
    .where('locked_until', '>', now)
    .execute();
  let latest: Date | undefined;
  for (const row of rows) {
    if (row.locked_until && (!latest || row.locked_until > latest)) latest = row.locked_until;
  }
  return latest;
}

/**
 * Counts one failure for `key` in a fixed window and locks the key once `limit` failures fall in
 * it. One atomic upsert, so processes sharing the database count together.
 */
export async function recordLoginFailure(
  db: Executor,
  key: string,
  rule: { limit: number; windowMs: number; lockMs: number },
  now: Date,
): Promise<void> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const lockedUntil = new Date(now.getTime() + rule.lockMs);
  const expired = sql<boolean>`login_throttle.window_started_at <= ${windowStart}`;
  const failures = sql<number>`case when ${expired} then 1 else login_throttle.failures + 1 end`;
  await db
    .insertInto('login_throttle')
    .values({
      key,
      failures: 1,
      window_started_at: now,
      locked_until: rule.limit <= 1 ? lockedUntil : null,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures,
        window_started_at: sql<Date>`case when ${expired} then ${now} else login_throttle.window_started_at end`,
        locked_until: sql<Date | null>`case when ${failures} >= ${rule.limit} then ${lockedUntil}::timestamptz else login_throttle.locked_until end`,
      }),
    )
    .execute();
}

export async function clearLoginFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** What a housekeeping run deleted. */
export interface LapsedRecordCounts {
  sessions: number;
  passwordResetTokens: number;
  loginThrottles: number;
}

/**
 * Deletes sign-in records nobody can use any more: sessions (and, by cascade, their refresh
 * tokens) expired or revoked before `sessionsBefore`, reset links expired or used before
 * `tokensBefore`, and failure counters whose window began before `throttlesBefore` and hold no lock.
 */
export async function deleteLapsedSignInRecords(
  db: Executor,
  cutoffs: { sessionsBefore: Date; tokensBefore: Date; throttlesBefore: Date; now: Date },
): Promise<LapsedRecordCounts> {
  const sessions = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', cutoffs.sessionsBefore),
        eb('revoked_at', '<', cutoffs.sessionsBefore),
      ]),
    )
    .executeTakeFirst();
  const tokens = await db
    .deleteFrom('password_reset_tokens')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', cutoffs.tokensBefore),
        eb('used_at', '<', cutoffs.tokensBefore),
      ]),
    )
    .executeTakeFirst();
  const throttles = await db
    .deleteFrom('login_throttle')
    .where('window_started_at', '<', cutoffs.throttlesBefore)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', cutoffs.now)]))
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    passwordResetTokens: Number(tokens.numDeletedRows),
    loginThrottles: Number(throttles.numDeletedRows),
  };
}

// Password reset tokens -------------------------------------------------------------------------

export async function insertPasswordResetToken(
  db: Executor,
  token: { hash: string; userId: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('password_reset_tokens')
    .values({
      token_hash: token.hash,
      user_id: token.userId,
      created_at: token.now,
      expires_at: token.expiresAt,
    })
    .execute();
}

export async function findLatestResetRequest(
  db: Executor,
  userId: string,
): Promise<Date | undefined> {
  const row = await db
    .selectFrom('password_reset_tokens')
    .select('created_at')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}

export interface PasswordResetTokenState {
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

function selectPasswordResetToken(db: Executor, hash: string) {
  return db
    .selectFrom('password_reset_tokens')
    .select(['user_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', hash);
}

export async function findPasswordResetToken(
  db: Executor,
  hash: string,
): Promise<PasswordResetTokenState | undefined> {
  const row = await selectPasswordResetToken(db, hash).executeTakeFirst();
  return row ? { userId: row.user_id, expiresAt: row.expires_at, usedAt: row.used_at } : undefined;
}

export async function lockPasswordResetToken(
  db: Executor,
  hash: string,
): Promise<PasswordResetTokenState | undefined> {
  const row = await selectPasswordResetToken(db, hash).forUpdate().executeTakeFirst();
  return row ? { userId: row.user_id, expiresAt: row.expires_at, usedAt: row.used_at } : undefined;
}

/** Spends every outstanding reset token of the user: one reset ends all pending links. */
export async function markResetTokensUsed(db: Executor, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('password_reset_tokens')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

// Transcript ------------------------------------------------------------------------------------

export interface TranscriptRecord {
  id: string;
  courseCode: string;
  termCode: string;
  grade: string;
  credits: number;
  createdAt: Date;
}

export async function insertTranscriptEntry(
  db: Executor,
  entry: TranscriptRecord & { studentId: string },
): Promise<void> {
  await db
    .insertInto('transcript_entries')
    .values({
      id: entry.id,
      student_id: entry.studentId,
      course_code: entry.courseCode,
      term_code: entry.termCode,
      grade: entry.grade,
      credits: entry.credits,
      created_at: entry.createdAt,
    })
    .execute();
}

export async function listTranscriptEntries(
  db: Executor,
  studentId: string,
): Promise<TranscriptRecord[]> {
  const rows = await db
    .selectFrom('transcript_entries')
    .select(['id', 'course_code', 'term_code', 'grade', 'credits', 'created_at'])
    .where('student_id', '=', studentId)
    .orderBy('term_code')
    .orderBy('course_code')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    courseCode: row.course_code,
    termCode: row.term_code,
    grade: row.grade,
    credits: row.credits,
    createdAt: row.created_at,
  }));
}

// Mail outbox -----------------------------------------------------------------------------------

export interface OutboxRecord {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

/** Newest first by id: ids are UUIDv7, ordered by creation time, and exact for a cursor. */
export async function listOutbox(
  db: Executor,
  page: { limit: number; beforeId: string | undefined },
): Promise<OutboxRecord[]> {
  let query = db.selectFrom('mail_outbox').selectAll();
  if (page.beforeId) query = query.where('id', '<', page.beforeId);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    attempts: row.attempts,
    lastError: row.last_error,
  }));
}

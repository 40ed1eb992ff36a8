// The rules of accounts and access: sign-up, sessions and token rotation, throttling, password
// reset, user administration and student records. Opens the transactions; the repo runs queries.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClassStanding } from '../../db/tables/identity.ts';
import type { AuthContext } from '../../http/auth.ts';
import { ForbiddenError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { isId, newId } from '../../lib/ids.ts';
import type { Mailer } from '../../lib/mailer.ts';
import {
  AccountDisabledError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidCursorError,
  InvalidFieldError,
  InvalidRefreshTokenError,
  InvalidResetTokenError,
  LastAdminError,
  LoginThrottledError,
  RefreshTokenReusedError,
  StudentNotFoundError,
  StudentNumberTakenError,
  TranscriptEntryExistsError,
  UserNotFoundError,
  UsernameTakenError,
  WeakPasswordError,
} from './identity.errors.ts';
import {
  checkPasswordPolicy,
  hashPassword,
  verifyNothing,
  verifyPassword,
} from './identity.password.ts';
import * as repo from './identity.repo.ts';
import type {
  CreateUserBody,
  HoldsSummary,
  ListUsersQuery,
  LoginBody,
  OutboxMail,
  SessionTokens,
  SignupBody,
  StudentProfile,
  TranscriptEntry,
  TranscriptEntryBody,
  UpdateMeBody,
  UpdateUserBody,
  User,
} from './identity.schemas.ts';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  generateOpaqueToken,
  hashOpaqueToken,
  type TokenSigner,
} from './identity.tokens.ts';

export interface IdentityLogger {
  error(details: object, message: string): void;
}

export interface IdentityDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly signer: TokenSigner;
  readonly mailer: Mailer;
  /** Base of links in mail, e.g. the password reset page. */
  readonly publicUrl: string;
  readonly log: IdentityLogger;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const MINUTE_MS = 60_000;
/** Failed logins allowed per account and per address inside the window before a lock. */
export const ACCOUNT_FAILURE_RULE = { limit: 5, windowMs: 15 * MINUTE_MS, lockMs: 15 * MINUTE_MS };
export const IP_FAILURE_RULE = { limit: 20, windowMs: 15 * MINUTE_MS, lockMs: 15 * MINUTE_MS };
export const PASSWORD_RESET_TTL_MS = 30 * MINUTE_MS;
/** An account an admin creates without a password is set up through a link that lives longer. */
export const ACCOUNT_SETUP_TTL_MS = 72 * 60 * MINUTE_MS;
/** At most one reset mail per account per minute, so the form cannot flood someone's inbox. */
const RESET_REQUEST_INTERVAL_MS = MINUTE_MS;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PASSING_GRADES = new Set([
  'A+',
  'A',
  'A-',
  'B+',
  'B',
  'B-',
  'C+',
  'C',
  'C-',
  'D+',
  'D',
  'D-',
  'P',
  'S',
  'CR',
]);

export function isPassingGrade(grade: string): boolean {
  return PASSING_GRADES.has(grade);
}

/** Undergraduate standing by credits earned: 30 per year. Graduate students keep theirs. */
export function classStandingForCredits(credits: number): Exclude<ClassStanding, 'graduate'> {
  if (credits >= 90) return 'senior';
  if (credits >= 60) return 'junior';
  if (credits >= 30) return 'sophomore';
  return 'freshman';
}

// Holds belong to the registration module; it registers how to summarise them for profiles.
export type HoldsSummaryReader = (
  db: Kysely<DB>,
  studentId: string,
  now: Date,
) => Promise<HoldsSummary>;
let holdsSummaryReader: HoldsSummaryReader | undefined;

/** Lets the module that owns holds fill `holdsSummary` on student profiles. */
export function registerHoldsSummaryReader(reader: HoldsSummaryReader): void {
  holdsSummaryReader = reader;
}

// Mapping ---------------------------------------------------------------------------------------

export function toUser(account: repo.UserAccount): User {
  return {
    id: account.id,
    name: account.name,
    email: account.email,
    ...(account.username ? { username: account.username } : {}),
    roles: account.roles,
    disabled: account.disabledAt !== null,
    createdAt: account.createdAt.toISOString(),
    ...(account.student ? { student: { ...account.student } } : {}),
  };
}

function toTranscriptEntry(record: repo.TranscriptRecord): TranscriptEntry {
  return {
    id: record.id,
    courseCode: record.courseCode,
    termCode: record.termCode,
    grade: record.grade,
    credits: record.credits,
    passed: isPassingGrade(record.grade),
    createdAt: record.createdAt.toISOString(),
  };
}

// Input normalisation ---------------------------------------------------------------------------

function normalizeEmail(raw: string, path: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email) || email.length > 254) {
    throw new InvalidFieldError(path, 'invalid_email', 'Enter a valid email address.');
  }
  return email;
}

function normalizeName(raw: string, path: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw new InvalidFieldError(path, 'required', 'Enter a name.');
  return name;
}

function normalizeInterests(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  const interests: string[] = [];
  for (const item of raw) {
    const interest = item.trim().replace(/\s+/g, ' ');
    const key = interest.toLowerCase();
    if (interest && !seen.has(key)) {
      seen.add(key);
      interests.push(interest);
    }
  }
  return interests;
}

function normalizeCourseCode(raw: string): string {
  const match = /^([A-Za-z]{1,8}) ?([0-9A-Za-z]{1,8})$/.exec(raw.trim());
  if (!match) {
    throw new InvalidFieldError('body.courseCode', 'invalid', 'Use a course code like "CS 225".');
  }
  return `${match[1]!.toUpperCase()} ${match[2]!.toUpperCase()}`;
}

function assertPasswordAcceptable(
  password: string,
  person: { email: string; name: string },
  path: string,
): void {
  const problems = checkPasswordPolicy(password, person);
  if (problems.length > 0) throw new WeakPasswordError(path, problems);
}

/** Maps a unique violation to the conflict a client can act on; rethrows anything else. */
function rethrowConflict(error: unknown): never {
  const constraint = repo.violatedUniqueConstraint(error);
  if (constraint === 'users_email_key') throw new EmailTakenError();
  if (constraint === 'users_username_key') throw new UsernameTakenError();
  if (constraint === 'students_student_number_key') throw new StudentNumberTakenError();
  throw error;
}

/**
 * The next free number from the sequence. An admin may have typed a number the sequence has not
 * reached yet; such numbers are skipped rather than reported as a conflict.
 */
async function allocateStudentNumber(tx: Kysely<DB>): Promise<string> {
  for (;;) {
    const candidate = await repo.nextStudentNumber(tx);
    if (!(await repo.studentNumberExists(tx, candidate))) return candidate;
  }
}

function deliverMailAfterCommit(deps: IdentityDeps): void {
  if (!deps.mailer.delivers) return;
  // Not awaited: the response must not wait for (or reveal) SMTP; the outbox keeps unsent mail.
  deps.mailer.deliverPending().catch((error: unknown) => {
    deps.log.error({ err: error }, 'mail delivery failed');
  });
}

// Sign-up and sessions --------------------------------------------------------------------------

/** Self sign-up: a student account with a fresh student number. */
export async function signUp(deps: IdentityDeps, input: SignupBody): Promise<User> {
  const email = normalizeEmail(input.email, 'body.email');
  const name = normalizeName(input.name, 'body.name');
  assertPasswordAcceptable(input.password, { email, name }, 'body.password');
  if (await repo.findUserByEmail(deps.db, email)) throw new EmailTakenError();
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    await deps.db.transaction().execute(async (tx) => {
      await repo.insertUser(tx, {
        id,
        email,
        username: null,
        name,
        passwordHash,
        roles: ['student'],
      });
      await repo.insertStudent(tx, {
        userId: id,
        studentNumber: await allocateStudentNumber(tx),
        program: null,
        classStanding: 'freshman',
        creditsEarned: 0,
        interests: [],
        advisorId: null,
      });
    });
  } catch (error) {
    rethrowConflict(error);
  }
  return getUser(deps, id);
}

async function issueTokens(
  deps: IdentityDeps,
  account: repo.UserAccount,
  sessionId: string,
  refreshToken: string,
): Promise<SessionTokens> {
  const accessToken = await deps.signer.signAccessToken({
    userId: account.id,
    sessionId,
    roles: account.roles,
  });
  return { user: toUser(account), accessToken, refreshToken, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}

/**
 * Login by email or username. Unknown logins cost the same hashing time and get the same error
 * as wrong passwords; failures count per account and per address, in the database, so every
 * process sees the same counts.
 */
export async function logIn(
  deps: IdentityDeps,
  input: LoginBody,
  client: ClientInfo,
): Promise<SessionTokens> {
  const login = input.login.trim().toLowerCase();
  const now = deps.clock.now();
  const account = await repo.findUserByLogin(deps.db, login);
  const accountKey = account ? `user:${account.id}` : `login:${login}`;
  const ipKey = `ip:${client.ip ?? 'unknown'}`;
  const lockedUntil = await repo.findLoginLock(deps.db, [accountKey, ipKey], now);
  if (lockedUntil) throw new LoginThrottledError((lockedUntil.getTime() - now.getTime()) / 1000);

  const passwordOk = account?.passwordHash
    ? await verifyPassword(account.passwordHash, input.password)
    : await verifyNothing(input.password);
  if (!account || !passwordOk) {
    await repo.recordLoginFailure(deps.db, accountKey, ACCOUNT_FAILURE_RULE, now);
    await repo.recordLoginFailure(deps.db, ipKey, IP_FAILURE_RULE, now);
    throw new InvalidCredentialsError();
  }
  // Only someone who knows the password learns that the account is disabled.
  if (account.disabledAt) throw new AccountDisabledError();

  const sessionId = newId();
  const refresh = generateOpaqueToken();
  const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await deps.db.transaction().execute(async (tx) => {
    await repo.clearLoginFailures(tx, accountKey);
    await repo.insertSession(tx, {
      id: sessionId,
      userId: account.id,
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      now,
    });
    await repo.insertRefreshToken(tx, { hash: refresh.hash, sessionId, expiresAt, now });
  });
  return issueTokens(deps, account, sessionId, refresh.token);
}

type RefreshOutcome =
  | { kind: 'rotated'; userId: string; sessionId: string; refreshToken: string }
  | { kind: 'invalid' }
  | { kind: 'reused' };

/**
 * Rotates a refresh token: each one works once. Presenting a used one means it was copied, so
 * the whole session (every token of the family, and its access tokens) is revoked.
 */
export async function refreshSession(
  deps: IdentityDeps,
  refreshToken: string,
): Promise<SessionTokens> {
  const hash = hashOpaqueToken(refreshToken);
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (tx): Promise<RefreshOutcome> => {
    const state = await repo.lockRefreshToken(tx, hash);
    if (!state) return { kind: 'invalid' };
    if (state.usedAt) {
      await repo.revokeSession(tx, state.sessionId, 'refresh_token_reused', now);
      return { kind: 'reused' };
    }
    if (
      state.sessionRevokedAt ||
      state.userDisabledAt ||
      state.expiresAt <= now ||
      state.sessionExpiresAt <= now
    ) {
      return { kind: 'invalid' };
    }
    await repo.markRefreshTokenUsed(tx, hash, now);
    const next = generateOpaqueToken();
    await repo.insertRefreshToken(tx, {
      hash: next.hash,
      sessionId: state.sessionId,
      expiresAt: state.sessionExpiresAt,
      now,
    });
    return {
      kind: 'rotated',
      userId: state.userId,
      sessionId: state.sessionId,
      refreshToken: next.token,
    };
  });
  if (outcome.kind === 'reused') throw new RefreshTokenReusedError();
  if (outcome.kind === 'invalid') throw new InvalidRefreshTokenError();
  const account = await repo.findUserById(deps.db, outcome.userId);
  if (!account) throw new InvalidRefreshTokenError();
  return issueTokens(deps, account, outcome.sessionId, outcome.refreshToken);
}

/** Ends the session named by the access token or by a refresh token; idempotent. */
export async function logOut(
  deps: IdentityDeps,
  credentials: { sessionId: string | undefined; refreshToken: string | undefined },
): Promise<void> {
  const sessionId =
    credentials.sessionId ??
    (credentials.refreshToken
      ? await repo.findSessionIdByRefreshToken(deps.db, hashOpaqueToken(credentials.refreshToken))
      : undefined);
  if (sessionId) await repo.revokeSession(deps.db, sessionId, 'logout', deps.clock.now());
}

/** Ended sessions stay a month, for anyone looking into a sign-in after the fact. */
export const ENDED_SESSION_RETENTION_MS = 30 * 24 * 60 * MINUTE_MS;
/** Expired or used reset links stay a day (a late click still gets "this link has expired"). */
const USED_TOKEN_RETENTION_MS = 24 * 60 * MINUTE_MS;
/** The hourly job that deletes sign-in records nobody can use any more. */
export const SIGN_IN_HOUSEKEEPING_JOB = 'identity-purge-sign-in-records';

/** Deletes lapsed sessions, reset links and login-failure counters; returns how many. */
export async function purgeLapsedSignInRecords(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
): Promise<repo.LapsedRecordCounts> {
  const now = deps.clock.now();
  const ago = (ms: number) => new Date(now.getTime() - ms);
  return repo.deleteLapsedSignInRecords(deps.db, {
    sessionsBefore: ago(ENDED_SESSION_RETENTION_MS),
    tokensBefore: ago(USED_TOKEN_RETENTION_MS),
    // A counter whose window has passed counts nothing; a day's margin outlasts any window.
    throttlesBefore: ago(
      Math.max(ACCOUNT_FAILURE_RULE.windowMs, IP_FAILURE_RULE.windowMs, 24 * 60 * MINUTE_MS),
    ),
    now,
  });
}

// The signed-in user ----------------------------------------------------------------------------

export async function getUser(deps: Pick<IdentityDeps, 'db'>, userId: string): Promise<User> {
  const account = await repo.findUserById(deps.db, userId);
  if (!account) throw new UserNotFoundError();
  return toUser(account);
}

export async function updateMe(
  deps: IdentityDeps,
  userId: string,
  patch: UpdateMeBody,
): Promise<User> {
  const name = patch.name === undefined ? undefined : normalizeName(patch.name, 'body.name');
  await deps.db.transaction().execute(async (tx) => {
    const account = await repo.lockUser(tx, userId);
    if (!account) throw new UserNotFoundError();
    if (patch.interests !== undefined && !account.student) {
      throw new InvalidFieldError(
        'body.interests',
        'not_a_student',
        'Interests belong to a student profile; this account has none.',
      );
    }
    if (name !== undefined) await repo.updateUser(tx, userId, { name }, deps.clock.now());
    if (patch.interests !== undefined) {
      await repo.updateStudent(tx, userId, { interests: normalizeInterests(patch.interests) });
    }
  });
  return getUser(deps, userId);
}

// Password reset --------------------------------------------------------------------------------

function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

async function enqueueSetPasswordMail(
  deps: IdentityDeps,
  tx: Kysely<DB>,
  account: { id: string; email: string; name: string },
  purpose: 'reset' | 'setup',
  now: Date,
): Promise<void> {
  const { token, hash } = generateOpaqueToken();
  const ttlMs = purpose === 'reset' ? PASSWORD_RESET_TTL_MS : ACCOUNT_SETUP_TTL_MS;
  await repo.insertPasswordResetToken(tx, {
    hash,
    userId: account.id,
    expiresAt: new Date(now.getTime() + ttlMs),
    now,
  });
  const link = resetLink(deps.publicUrl, token);
  const validity = purpose === 'reset' ? '30 minutes' : '72 hours';
  const text =
    purpose === 'reset'
      ? `Hello ${account.name},\n\nSomeone asked to reset the password of your OpenRegistrar account. ` +
        `To choose a new password, open this link within ${validity}:\n\n${link}\n\n` +
        `If it was not you, ignore this message: your password stays as it is.\n`
      : `Hello ${account.name},\n\nAn OpenRegistrar account was created for you (${account.email}). ` +
        `To choose your password and sign in, open this link within ${validity}:\n\n${link}\n`;
  await deps.mailer.enqueue(tx, {
    to: account.email,
    subject:
      purpose === 'reset' ? 'Reset your OpenRegistrar password' : 'Your new OpenRegistrar account',
    text,
  });
}

/** Always succeeds from the caller's view, so it reveals nothing about which emails exist. */
export async function requestPasswordReset(deps: IdentityDeps, rawEmail: string): Promise<void> {
  const email = rawEmail.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email)) return;
  const account = await repo.findUserByEmail(deps.db, email);
  if (!account || account.disabledAt) return;
  const now = deps.clock.now();
  const latest = await repo.findLatestResetRequest(deps.db, account.id);
  if (latest && now.getTime() - latest.getTime() < RESET_REQUEST_INTERVAL_MS) return;
  await deps.db.transaction().execute(async (tx) => {
    await enqueueSetPasswordMail(deps, tx, account, 'reset', now);
  });
  deliverMailAfterCommit(deps);
}

/** Sets a new password with a single-use token and ends every session of the account. */
export async function confirmPasswordReset(
  deps: IdentityDeps,
  input: { token: string; newPassword: string },
): Promise<void> {
  const hash = hashOpaqueToken(input.token);
  const now = deps.clock.now();
  const usable = (token: { expiresAt: Date; usedAt: Date | null } | undefined) =>
    token !== undefined && token.usedAt === null && token.expiresAt > now;

  const token = await repo.findPasswordResetToken(deps.db, hash);
  if (!token || !usable(token)) throw new InvalidResetTokenError();
  const account = await repo.findUserById(deps.db, token.userId);
  if (!account) throw new InvalidResetTokenError();
  assertPasswordAcceptable(input.newPassword, account, 'body.newPassword');
  const passwordHash = await hashPassword(input.newPassword);

  const applied = await deps.db.transaction().execute(async (tx) => {
    // Checked again under the lock: two uses of one token race here and only one wins.
    const locked = await repo.lockPasswordResetToken(tx, hash);
    if (!locked || !usable(locked)) return false;
    await repo.updateUser(tx, account.id, { passwordHash }, now);
    await repo.markResetTokensUsed(tx, account.id, now);
    await repo.revokeUserSessions(tx, account.id, 'password_reset', now);
    await repo.clearLoginFailures(tx, `user:${account.id}`);
    return true;
  });
  if (!applied) throw new InvalidResetTokenError();
}

// User administration ---------------------------------------------------------------------------

interface StudentInput {
  studentNumber?: string | undefined;
  program?: string | null | undefined;
  classStanding?: ClassStanding | undefined;
  creditsEarned?: number | undefined;
  advisorId?: string | null | undefined;
  interests?: string[] | undefined;
}

async function assertStudentReferences(db: Kysely<DB>, student: StudentInput): Promise<void> {
  if (student.program && !(await repo.programExists(db, student.program))) {
    throw new InvalidFieldError(
      'body.student.program',
      'unknown_program',
      `There is no program "${student.program}" in the catalog.`,
    );
  }
  if (student.advisorId && !(await repo.userHasRole(db, student.advisorId, 'advisor'))) {
    throw new InvalidFieldError(
      'body.student.advisorId',
      'not_an_advisor',
      'The advisor must be an existing user with the advisor role.',
    );
  }
}

async function insertStudentRecord(
  tx: Kysely<DB>,
  userId: string,
  student: StudentInput,
): Promise<void> {
  const creditsEarned = student.creditsEarned ?? 0;
  await repo.insertStudent(tx, {
    userId,
    studentNumber: student.studentNumber ?? (await allocateStudentNumber(tx)),
    program: student.program ?? null,
    classStanding: student.classStanding ?? classStandingForCredits(creditsEarned),
    creditsEarned,
    interests: normalizeInterests(student.interests ?? []),
    advisorId: student.advisorId ?? null,
  });
}

/** An administrator account with a password (the `registrar create-admin` command). */
export async function createAdministrator(
  deps: Pick<IdentityDeps, 'db'>,
  input: { email: string; password: string; name: string },
): Promise<User> {
  const email = normalizeEmail(input.email, 'email');
  const name = normalizeName(input.name, 'name');
  assertPasswordAcceptable(input.password, { email, name }, 'password');
  if (await repo.findUserByEmail(deps.db, email)) throw new EmailTakenError();
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    await repo.insertUser(deps.db, {
      id,
      email,
      username: null,
      name,
      passwordHash,
      roles: ['admin'],
    });
  } catch (error) {
    rethrowConflict(error);
  }
  return getUser(deps, id);
}

/** An admin creates any account; without a password the person gets a set-password link. */
export async function createUser(deps: IdentityDeps, input: CreateUserBody): Promise<User> {
  const email = normalizeEmail(input.email, 'body.email');
  const name = normalizeName(input.name, 'body.name');
  const roles = [...new Set(input.roles)];
  const username = input.username?.trim() || null;
  if (input.student && !roles.includes('student')) {
    throw new InvalidFieldError(
      'body.student',
      'not_a_student',
      'Only users with the student role have a student record.',
    );
  }
  if (input.password !== undefined) {
    assertPasswordAcceptable(input.password, { email, name }, 'body.password');
  }
  if (await repo.findUserByEmail(deps.db, email)) throw new EmailTakenError();
  if (input.student) await assertStudentReferences(deps.db, input.student);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const id = newId();
  const now = deps.clock.now();
  try {
    await deps.db.transaction().execute(async (tx) => {
      await repo.insertUser(tx, { id, email, username, name, passwordHash, roles });
      if (roles.includes('student')) await insertStudentRecord(tx, id, input.student ?? {});
      if (passwordHash === null) {
        await enqueueSetPasswordMail(deps, tx, { id, email, name }, 'setup', now);
      }
    });
  } catch (error) {
    rethrowConflict(error);
  }
  if (passwordHash === null) deliverMailAfterCommit(deps);
  return getUser(deps, id);
}

function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === length &&
      parts.every((part) => typeof part === 'string')
    ) {
      return parts;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError();
}

export async function listUsers(
  deps: Pick<IdentityDeps, 'db'>,
  query: ListUsersQuery,
): Promise<{ items: User[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let after: { name: string; id: string } | undefined;
  if (query.cursor) {
    const [name, id] = decodeCursor(query.cursor, 2) as [string, string];
    if (!isId(id)) throw new InvalidCursorError();
    after = { name, id };
  }
  const rows = await repo.listUsers(deps.db, { role: query.role, q: query.q, limit, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toUser),
    nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null,
  };
}

/**
 * Admin changes to an account. Disabling or changing the password-relevant state ends sessions;
 * the last active administrator cannot be demoted or disabled.
 */
export async function updateUser(
  deps: IdentityDeps,
  userId: string,
  patch: UpdateUserBody,
): Promise<User> {
  const now = deps.clock.now();
  const name = patch.name === undefined ? undefined : normalizeName(patch.name, 'body.name');
  const email = patch.email === undefined ? undefined : normalizeEmail(patch.email, 'body.email');
  const username = patch.username === undefined ? undefined : patch.username?.trim() || null;
  if (patch.student) await assertStudentReferences(deps.db, patch.student);
  try {
    await deps.db.transaction().execute(async (tx) => {
      const touchesAdmins = patch.roles !== undefined || patch.disabled === true;
      // Active admins are locked first and in id order, so two admins demoting each other
      // serialize instead of deadlocking, and the second sees the first's change.
      const activeAdmins = touchesAdmins ? await repo.lockActiveAdminIds(tx) : [];
      const account = await repo.lockUser(tx, userId);
      if (!account) throw new UserNotFoundError();
      const roles = patch.roles ? [...new Set(patch.roles)] : account.roles;
      const staysActiveAdmin =
        roles.includes('admin') && !(patch.disabled ?? account.disabledAt !== null);
      if (
        activeAdmins.includes(userId) &&
        !staysActiveAdmin &&
        activeAdmins.filter((id) => id !== userId).length === 0
      ) {
        throw new LastAdminError();
      }
      const willBeStudent = roles.includes('student');
      if (patch.student && !willBeStudent && !account.student) {
        throw new InvalidFieldError(
          'body.student',
          'not_a_student',
          'Only users with the student role have a student record.',
        );
      }
      const disabling = patch.disabled === true && account.disabledAt === null;
      await repo.updateUser(
        tx,
        userId,
        {
          ...(name !== undefined ? { name } : {}),
          ...(email !== undefined ? { email } : {}),
          ...(username !== undefined ? { username } : {}),
          ...(patch.roles !== undefined ? { roles } : {}),
          ...(patch.disabled !== undefined
            ? { disabledAt: patch.disabled ? (account.disabledAt ?? now) : null }
            : {}),
        },
        now,
      );
      if (willBeStudent && !account.student) {
        await insertStudentRecord(tx, userId, patch.student ?? {});
      } else if (patch.student) {
        await repo.updateStudent(tx, userId, {
          ...patch.student,
          ...(patch.student.interests
            ? { interests: normalizeInterests(patch.student.interests) }
            : {}),
        });
      }
      if (disabling) await repo.revokeUserSessions(tx, userId, 'account_disabled', now);
    });
  } catch (error) {
    rethrowConflict(error);
  }
  return getUser(deps, userId);
}

// Students --------------------------------------------------------------------------------------

/** Admins see any student; a student sees themself; an advisor sees their advisees. */
async function assertMayViewStudent(
  deps: Pick<IdentityDeps, 'db'>,
  actor: AuthContext,
  studentId: string,
): Promise<void> {
  if (actor.roles.includes('admin')) {
    if ((await repo.findStudentAdvisorId(deps.db, studentId)) === undefined) {
      throw new StudentNotFoundError();
    }
    return;
  }
  if (actor.userId === studentId && actor.roles.includes('student')) {
    if ((await repo.findStudentAdvisorId(deps.db, studentId)) !== undefined) return;
  } else if (actor.roles.includes('advisor')) {
    // An unknown student and someone else's student look the same: 403, never a leak.
    if ((await repo.findStudentAdvisorId(deps.db, studentId)) === actor.userId) return;
  }
  throw new ForbiddenError();
}

const NO_HOLDS: HoldsSummary = { active: 0, blocksRegistration: false, types: [] };

export async function getStudentProfile(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  actor: AuthContext,
  studentId: string,
): Promise<StudentProfile> {
  await assertMayViewStudent(deps, actor, studentId);
  const profile = await repo.findStudentProfile(deps.db, studentId);
  if (!profile) throw new StudentNotFoundError();
  const holdsSummary = holdsSummaryReader
    ? await holdsSummaryReader(deps.db, studentId, deps.clock.now())
    : NO_HOLDS;
  const { disabledAt, username, ...rest } = profile;
  return {
    ...rest,
    ...(username ? { username } : {}),
    disabled: disabledAt !== null,
    holdsSummary,
  };
}

/** Records a completed course; passing grades add their credits and may raise the standing. */
export async function addTranscriptEntry(
  deps: Pick<IdentityDeps, 'db' | 'clock'>,
  studentId: string,
  input: TranscriptEntryBody,
): Promise<{ entry: TranscriptEntry; creditsEarned: number; classStanding: ClassStanding }> {
  const record: repo.TranscriptRecord = {
    id: newId(),
    courseCode: normalizeCourseCode(input.courseCode),
    termCode: input.termCode.trim().toUpperCase(),
    grade: input.grade,
    credits: input.credits,
    createdAt: deps.clock.now(),
  };
  return deps.db.transaction().execute(async (tx) => {
    const student = await repo.lockStudent(tx, studentId);
    if (!student) throw new StudentNotFoundError();
    try {
      await repo.insertTranscriptEntry(tx, { ...record, studentId });
    } catch (error) {
      if (repo.violatedUniqueConstraint(error) !== undefined) {
        throw new TranscriptEntryExistsError(record.courseCode, record.termCode);
      }
      throw error;
    }
    let { creditsEarned, classStanding } = student;
    if (isPassingGrade(record.grade) && record.credits > 0) {
      creditsEarned = Math.round((creditsEarned + record.credits) * 100) / 100;
      if (classStanding !== 'graduate') classStanding = classStandingForCredits(creditsEarned);
      await repo.updateStudent(tx, studentId, { creditsEarned, classStanding });
    }
    return { entry: toTranscriptEntry(record), creditsEarned, classStanding };
  });
}

export async function getTranscript(
  deps: Pick<IdentityDeps, 'db'>,
  actor: AuthContext,
  studentId: string,
): Promise<{ items: TranscriptEntry[]; creditsEarned: number }> {
  await assertMayViewStudent(deps, actor, studentId);
  const [entries, profile] = await Promise.all([
    repo.listTranscriptEntries(deps.db, studentId),
    repo.findStudentProfile(deps.db, studentId),
  ]);
  if (!profile) throw new StudentNotFoundError();
  return { items: entries.map(toTranscriptEntry), creditsEarned: profile.creditsEarned };
}

// Mail outbox -----------------------------------------------------------------------------------

export async function listOutbox(
  deps: Pick<IdentityDeps, 'db'>,
  query: { limit?: number | undefined; cursor?: string | undefined },
): Promise<{ items: OutboxMail[]; nextCursor: string | null }> {
  const limit = query.limit ?? 50;
  let beforeId: string | undefined;
  if (query.cursor) {
    const [id] = decodeCursor(query.cursor, 1) as [string];
    if (!isId(id)) throw new InvalidCursorError();
    beforeId = id;
  }
  const rows = await repo.listOutbox(deps.db, { limit, beforeId });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((mail) => ({
      ...mail,
      createdAt: mail.createdAt.toISOString(),
      sentAt: mail.sentAt ? mail.sentAt.toISOString() : null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
  };
}

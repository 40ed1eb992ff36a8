// The registration engine: register, drop, swap, accept, checkout, wait-list promotion, offer
// expiry, cancellation and capacity changes. Every change is one short transaction in the one lock
// order (the student's term row, then sections by id): BEGIN; gather the facts while locking the
// student; evaluate the pure rules; take the seat with a conditional update that also writes the
// registration, the audit entry and the stored response; COMMIT.
import { hash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AppDeps } from '../../app.ts';
import type { DB } from '../../db/schema.ts';
import type { PendingSession } from '../../http/auth.ts';
import type { Role } from '../../db/tables/identity.ts';
import { AppError, ValidationError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { SectionLifecycleHooks } from '../catalog/catalog.service.ts';
import {
  CapacityBelowSeatsError,
  DropNotAllowedError,
  IdempotencyKeyReusedError,
  NotOfferedError,
  OfferExpiredError,
  RegistrationNotFoundError,
  RegistrationNotLiveError,
  RetryTransactionError,
  SectionNotFoundError,
  StudentNotFoundError,
  TermNotFoundError,
  registrationBlockedBody,
} from './registration.errors.ts';
import * as repo from './registration.repo.ts';
import {
  chargesForAdd,
  chargesForDrop,
  chargesForSwap,
  insertLedgerEntries,
  loadBillingFacts,
  type ChargedSection,
  type LoadItem,
} from '../billing/billing.service.ts';
import { createBillingFactsCache } from '../billing/billing.facts-cache.ts';
import { createCatalogFactsCache } from './registration.catalog-cache.ts';
import type {
  AuditRow,
  CurrentRegistration,
  GatheredFacts,
  NotificationRow,
  RegistrationRecord,
  SectionSummary,
  TargetSection,
} from './registration.repo.ts';
import {
  dropKind,
  effectiveOpensAt,
  evaluateRegistration,
  formatInstant,
  overridesFor,
  reservationsHeldFrom,
  seatLostBlocker,
  seatsAvailableFor,
  type Blocker,
  type LiveStatus,
  OVERRIDES,
  type Override,
  type Warning,
} from './registration.rules.ts';

export const PROMOTE_WAITLIST_JOB = 'registration-promote-waitlist';
export const EXPIRE_OFFER_JOB = 'registration-expire-offer';
/** Billing, pay-to-enrol: releases a seat held until paid when its time is up. */
export const RELEASE_UNPAID_HOLD_JOB = 'registration-release-unpaid-hold';
export const PURGE_IDEMPOTENCY_KEYS_JOB = 'registration-purge-idempotency-keys';

/** How long an Idempotency-Key's stored response is replayed (then the hourly purge deletes it). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_ATTEMPTS = 5;
/** Chains of swaps promote in the same transaction up to this depth, then through a job. */
const MAX_PROMOTION_DEPTH = 3;

/** Who is acting, for guards and the audit trail. */
export interface Actor {
  userId: string;
  roles: readonly Role[];
  requestId: string | null;
  /** A session the guard left for the facts statement to check (http/auth.ts). */
  session?: PendingSession | undefined;
}

export interface IdempotencyInput {
  key: string;
  /** Hash of the method, route and body: the same key with another request is refused. */
  requestHash: string;
}

/** A status and body to send as they are (idempotent endpoints replay stored ones). */
export interface HttpResult {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface RegistrationView {
  id: string;
  termId: string;
  sectionId: string;
  section: SectionSummary;
  status: RegistrationRecord['status'];
  credits: number;
  waitlistPosition?: number;
  offerExpiresAt?: string;
  swapDropRegistrationId?: string;
  overrides: string[];
}

export function requestHash(method: string, route: string, body: unknown): string {
  // The one-shot hash: createHash's object cost more than hashing this short text.
  return hash('sha256', `${method} ${route}\n${canonicalJson(body)}`, 'base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function registrationView(
  record: Pick<
    RegistrationRecord,
    | 'id'
    | 'termId'
    | 'sectionId'
    | 'section'
    | 'status'
    | 'credits'
    | 'offerExpiresAt'
    | 'swapDropRegistrationId'
    | 'overrides'
  >,
  waitlistPosition?: number | null,
): RegistrationView {
  return {
    id: record.id,
    termId: record.termId,
    sectionId: record.sectionId,
    section: record.section,
    status: record.status,
    credits: record.credits,
    ...(record.status === 'waitlisted' && waitlistPosition ? { waitlistPosition } : {}),
    ...((record.status === 'offered' || record.status === 'pending_payment') &&
    record.offerExpiresAt
      ? { offerExpiresAt: record.offerExpiresAt.toISOString() }
      : {}),
    ...(record.swapDropRegistrationId
      ? { swapDropRegistrationId: record.swapDropRegistrationId }
      : {}),
    overrides: record.overrides,
  };
}

function summaryOf(target: TargetSection): SectionSummary {
  return {
    id: target.id,
    code: target.code,
    crn: target.crn,
    termId: target.termId,
    courseId: target.courseId,
    courseCode: target.courseCode,
    title: target.title,
    kind: target.kind,
    linkedGroup: target.linkedGroup,
    credits: target.credits,
    status: target.status,
    meetings: target.meetings,
    instructors: target.instructors,
  };
}

// Billing: charges are priced on the registrations that hold seats (enrolled or held until paid).
function seatLoad(current: readonly CurrentRegistration[]): LoadItem[] {
  return current
    .filter((r) => r.status === 'enrolled' || r.status === 'pending_payment')
    .map((r) => ({ sectionId: r.sectionId, courseId: r.section.courseId, credits: r.credits }));
}

function chargedSection(
  r: Pick<CurrentRegistration, 'sectionId' | 'section' | 'credits'>,
): ChargedSection {
  return {
    id: r.sectionId,
    courseId: r.section.courseId,
    credits: r.credits,
    code: r.section.code,
  };
}

function isSeated(status: string): boolean {
  return status === 'enrolled' || status === 'pending_payment';
}

const byId = <T extends { id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export function isRetryable(error: unknown): boolean {
  if (error instanceof RetryTransactionError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  // Deadlocks and serialization failures cannot happen by design; retrying is the safe answer.
  if (code === '40P01' || code === '40001') return true;
  return (
    code === '23505' &&
    (constraint === 'registrations_live_key' || constraint === 'idempotency_keys_pkey')
  );
}

/** What a transaction changed, announced to the live hub once it has committed. */
class Changes {
  readonly sections = new Set<string>();
  readonly users = new Set<string>();
  clear(): void {
    this.sections.clear();
    this.users.clear();
  }
}

/** A multi-section request lost a seat at write time: roll back, then record the refusal. */
class UnitRefusedAtSeat extends Error {
  readonly blocker: Blocker;
  constructor(blocker: Blocker) {
    super(blocker.message);
    this.blocker = blocker;
  }
}

interface PromotionContext {
  now: Date;
  actorId: string | null;
  requestId: string | null;
  depth: number;
  changes: Changes;
}

interface Notice {
  userId: string;
  email: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export type UnitOutcome =
  | { kind: 'registered'; registrations: RegistrationView[] }
  | { kind: 'blocked'; blockers: Blocker[]; statusCode: 422; body: Record<string, unknown> }
  | { kind: 'replayed'; statusCode: number; body: Record<string, unknown> };

export interface ValidationResult {
  items: { sectionId: string; ok: boolean; errors: Blocker[]; waitlist: boolean }[];
  warnings: Warning[];
}

export function createRegistrationService(deps: AppDeps) {
  const { database, clock, jobs, mailer } = deps;
  const db = database.db;

  async function inTransaction<T>(work: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute(work);
      } catch (error) {
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      }
    }
  }

  function auditRow(
    fields: Omit<AuditRow, 'id' | 'at' | 'details' | 'blockerCodes'> &
      Partial<Pick<AuditRow, 'details' | 'blockerCodes'>> & { at: Date },
  ): AuditRow {
    return { id: newId(), details: {}, blockerCodes: [], ...fields };
  }

  function publish(changes: Changes): void {
    if (changes.sections.size > 0) deps.live.seatsChanged(changes.sections);
    if (changes.users.size > 0) deps.live.notificationsCreated(changes.users);
  }

  async function sendNotices(
    tx: Transaction<DB>,
    notices: readonly Notice[],
    at: Date,
    changes: Changes,
  ): Promise<void> {
    if (notices.length === 0) return;
    for (const notice of notices) changes.users.add(notice.userId);
    const rows: NotificationRow[] = notices.map((n) => ({
      id: newId(),
      userId: n.userId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      data: n.data,
      createdAt: at,
    }));
    await repo.insertRecords(tx, { notifications: rows });
    for (const notice of notices) {
      await mailer.enqueue(tx, { to: notice.email, subject: notice.title, text: notice.body });
    }
  }

  /** The term's pricing facts, read again only when the facts statement sees them change. */
  const billingFacts = createBillingFactsCache();
  /** The term's dates and rules and the sections' meetings: the same, for the catalog. */
  const catalogFacts = createCatalogFactsCache();

  function gatherFacts(
    tx: Transaction<DB>,
    input: Omit<repo.GatherFactsInput, 'billingFacts' | 'catalogFacts'>,
  ): Promise<GatheredFacts | undefined> {
    return repo.gatherFacts(tx, { ...input, billingFacts, catalogFacts });
  }

  /**
   * The facts statement, which also checks the actor's pending session: a session found gone
   * is a 401 and the transaction rolls back before anything is written.
   */
  async function gather(
    tx: Transaction<DB>,
    actor: Actor,
    input: Omit<repo.GatherFactsInput, 'session' | 'billingFacts' | 'catalogFacts'>,
  ): Promise<GatheredFacts | undefined> {
    const pending = actor.session?.confirmed === false ? actor.session : undefined;
    const g = await gatherFacts(tx, {
      ...input,
      session: pending && {
        sessionId: pending.sessionId,
        userId: pending.userId,
        role: pending.role,
      },
    });
    if (g && pending) pending.confirm(g.sessionLive);
    return g;
  }

  /** Inside the caller's transaction: on PGlite a second connection would wait for it forever. */
  async function ensureStudent(tx: Transaction<DB>, studentId: string): Promise<void> {
    if (!(await repo.findStudentBrief(tx, studentId))) throw new StudentNotFoundError();
  }

  function checkReplay(
    stored: repo.StoredResponse,
    idempotency: IdempotencyInput,
  ): { statusCode: number; body: Record<string, unknown> } {
    if (stored.requestHash !== idempotency.requestHash) throw new IdempotencyKeyReusedError();
    return { statusCode: stored.statusCode, body: stored.response };
  }

  /** Outside the gathering statement (the request named nothing that exists): 422 if reused. */
  async function replayIfStored(
    tx: Transaction<DB>,
    actor: Actor,
    idempotency: IdempotencyInput,
    now: Date,
  ): Promise<void> {
    const stored = await repo.findStoredResponse(
      tx,
      actor.userId,
      idempotency.key,
      new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
    );
    if (stored && stored.requestHash !== idempotency.requestHash) {
      throw new IdempotencyKeyReusedError();
    }
  }

  function idempotencyWrite(actor: Actor, idempotency: IdempotencyInput, now: Date) {
    return {
      userId: actor.userId,
      key: idempotency.key,
      requestHash: idempotency.requestHash,
      expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
      at: now,
    };
  }

  /**
   * Billing, pay-to-enrol terms: until when a seat taken now is held unpaid (pending_payment);
   * null when the term charges without holding.
   */
  function paymentHoldUntil(g: GatheredFacts, now: Date): Date | null {
    return g.billing?.payToEnrol
      ? new Date(now.getTime() + g.billing.paymentHoldMinutes * 60_000)
      : null;
  }

  /** The job that gives a held seat back if it is still unpaid when its hold lapses. */
  async function scheduleHoldRelease(
    tx: Transaction<DB>,
    registrationId: string,
    holdUntil: Date,
  ): Promise<void> {
    if (!jobs.started) return;
    await jobs.send(
      tx,
      RELEASE_UNPAID_HOLD_JOB,
      { registrationId },
      { singletonKey: registrationId, startAfter: holdUntil },
    );
  }

  // -------------------------------------------------------------------------------------------
  // Registering a unit: one or more sections taken together, all or nothing

  interface UnitInput {
    studentId: string;
    sectionIds: readonly string[];
    termId?: string | undefined;
    overrides?: readonly Override[];
    action: 'register' | 'checkout' | 'staff_register';
    idempotency?: IdempotencyInput | undefined;
    /** Remove the sections from the student's cart when registered. */
    fromCart?: boolean;
  }

  async function registerUnit(actor: Actor, input: UnitInput): Promise<UnitOutcome> {
    const sectionIds = [...new Set(input.sectionIds)];
    if (sectionIds.length === 0) throw new ValidationError('Name at least one section.');
    const overrides = input.overrides ?? [];
    const changes = new Changes();
    let gathered: GatheredFacts | undefined;
    try {
      const outcome = await inTransaction(async (tx): Promise<UnitOutcome> => {
        changes.clear();
        const now = clock.now();
        const g = await gather(tx, actor, {
          studentId: input.studentId,
          termId: input.termId,
          sectionIds,
          idempotency: input.idempotency && {
            userId: actor.userId,
            key: input.idempotency.key,
            since: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
          },
          now,
        });
        if (!g) {
          await ensureStudent(tx, input.studentId);
          // A reused key is refused whatever the new request names.
          if (input.idempotency) await replayIfStored(tx, actor, input.idempotency, now);
          throw new SectionNotFoundError();
        }
        gathered = g;
        if (g.idempotency && input.idempotency) {
          return { kind: 'replayed', ...checkReplay(g.idempotency, input.idempotency) };
        }
        if (g.targets.length !== sectionIds.length) throw new SectionNotFoundError();
        if (g.targets.some((t) => t.termId !== g.term.id)) {
          throw new ValidationError('All sections of one request must belong to the same term.');
        }
        const request = {
          sections: g.targets,
          overrides,
          dropping: [],
          purpose: 'register' as const,
        };
        const evaluation = evaluateRegistration(g.facts, request);
        const details = (sectionId: string) => ({
          overridesRequested: overrides,
          ...(sectionIds.length > 1 ? { together: sectionIds.filter((s) => s !== sectionId) } : {}),
        });
        if (!evaluation.ok) {
          const blockers = evaluation.sections.flatMap((s) => s.blockers);
          const body = registrationBlockedBody(actor.requestId ?? '', blockers);
          await repo.insertRecords(
            tx,
            {
              audit: evaluation.sections.map((verdict) =>
                auditRow({
                  at: now,
                  actorId: actor.userId,
                  studentId: input.studentId,
                  sectionId: verdict.sectionId,
                  termId: g.term.id,
                  registrationId: null,
                  action: input.action,
                  outcome: 'refused',
                  blockerCodes: [...new Set(verdict.blockers.map((b) => b.code))],
                  details: {
                    ...details(verdict.sectionId),
                    messages: verdict.blockers.map((b) => b.message),
                  },
                  requestId: actor.requestId,
                }),
              ),
              idempotency: input.idempotency && {
                ...idempotencyWrite(actor, input.idempotency, now),
                statusCode: 422,
                response: body,
              },
            },
            // The refusal's record is the transaction's last write: commit with it.
            { commit: true },
          );
          return { kind: 'blocked', blockers, statusCode: 422, body };
        }
        const single = g.targets.length === 1;
        const views = new Map<string, RegistrationView>();
        // Billing: a pay-to-enrol term holds each new seat until paid; every seat is charged.
        const holdUntil = paymentHoldUntil(g, now);
        const load = seatLoad(g.current);
        // A single seat with nothing to do after it commits in the seat statement's round trip.
        const seatIsLastWrite = single && holdUntil === null && input.action !== 'staff_register';
        // Seats are taken in section-id order: the one lock order.
        for (const target of [...g.targets].sort(byId)) {
          const verdict = evaluation.sections.find((v) => v.sectionId === target.id)!;
          const used = [...new Set(verdict.waived.map((w) => w.override))];
          const registrationId = newId();
          const base = {
            id: registrationId,
            termId: g.term.id,
            sectionId: target.id,
            section: summaryOf(target),
            credits: target.credits,
            offerExpiresAt: null,
            swapDropRegistrationId: null,
          };
          const blockedFull = registrationBlockedBody(actor.requestId ?? '', [
            seatLostBlocker(target, 'full'),
          ]);
          const blockedCancelled = registrationBlockedBody(actor.requestId ?? '', [
            seatLostBlocker(target, 'cancelled'),
          ]);
          const charged = {
            id: target.id,
            courseId: target.courseId,
            credits: target.credits,
            code: target.code,
          };
          // Billing: the seat is charged by the seat statement itself, only if a seat is taken
          // (pay-to-enrol: the held seat is released by a job if it stays unpaid).
          const charges = chargesForAdd(
            g.billing,
            {
              studentId: input.studentId,
              termId: g.term.id,
              registrationId,
              section: charged,
              load,
              actorId: actor.userId,
            },
            now,
          );
          const result = await repo.takeSeat(tx, {
            registrationId,
            studentId: input.studentId,
            sectionId: target.id,
            termId: g.term.id,
            credits: target.credits,
            overrides: used,
            ignoreCapacity: overridesFor(request, target).has('capacity'),
            allowWaitlist: true,
            heldReservationIds: reservationsHeldFrom(target, g.student, now).map((r) => r.id),
            swapDropRegistrationId: null,
            actorId: actor.userId,
            now,
            holdUntil,
            charges,
            commit: seatIsLastWrite,
            removeFromCart: single && input.fromCart === true,
            audit: {
              id: newId(),
              at: now,
              actorId: actor.userId,
              studentId: input.studentId,
              sectionId: target.id,
              termId: g.term.id,
              action: input.action,
              details: {
                ...details(target.id),
                ...(used.length > 0 ? { overridesUsed: used } : {}),
              },
              requestId: actor.requestId,
            },
            idempotency:
              single && input.idempotency
                ? {
                    ...idempotencyWrite(actor, input.idempotency, now),
                    registrationView: {
                      id: base.id,
                      termId: base.termId,
                      sectionId: base.sectionId,
                      section: base.section,
                      credits: base.credits,
                      overrides: used,
                    },
                    fullBody: blockedFull,
                    cancelledBody: blockedCancelled,
                  }
                : undefined,
          });
          if (result.outcome === 'full' || result.outcome === 'cancelled') {
            const blocker = seatLostBlocker(target, result.outcome);
            if (!single) throw new UnitRefusedAtSeat(blocker);
            return {
              kind: 'blocked',
              blockers: [blocker],
              statusCode: 422,
              body: result.outcome === 'full' ? blockedFull : blockedCancelled,
            };
          }
          if (result.outcome === 'enrolled') {
            load.push({ sectionId: target.id, courseId: target.courseId, credits: target.credits });
            if (result.held && holdUntil) await scheduleHoldRelease(tx, registrationId, holdUntil);
          }
          changes.sections.add(target.id);
          if (single && result.storedResponse) {
            return { kind: 'replayed', statusCode: 201, body: result.storedResponse };
          }
          views.set(
            target.id,
            registrationView(
              {
                ...base,
                status: result.held ? 'pending_payment' : result.outcome,
                offerExpiresAt: result.held ? holdUntil : null,
                overrides:
                  result.overCapacity && !used.includes('capacity') ? [...used, 'capacity'] : used,
              },
              result.waitlistPosition,
            ),
          );
        }
        const registrations = sectionIds.map((id) => views.get(id)!);
        // A single section left the cart in its seat statement.
        if (input.fromCart && !single) {
          await repo.deleteCartSections(tx, input.studentId, sectionIds);
        }
        if (!single && input.idempotency) {
          await repo.insertRecords(tx, {
            idempotency: {
              ...idempotencyWrite(actor, input.idempotency, now),
              statusCode: 201,
              response: { registration: registrations[0], registrations },
            },
          });
        }
        if (input.action === 'staff_register') {
          await sendNotices(
            tx,
            registrations.map((r) => ({
              userId: input.studentId,
              email: g.student.email,
              kind: 'registration.changed_by_staff',
              title: `You were ${r.status === 'waitlisted' ? 'wait-listed for' : 'registered for'} ${r.section.code}`,
              body: `A staff member ${r.status === 'waitlisted' ? 'put you on the wait-list for' : 'registered you for'} ${r.section.code} (${r.section.title}).`,
              data: { registrationId: r.id, sectionId: r.sectionId },
            })),
            now,
            changes,
          );
        }
        return { kind: 'registered', registrations };
      });
      publish(changes);
      return outcome;
    } catch (error) {
      if (!(error instanceof UnitRefusedAtSeat) || !gathered) throw error;
      return recordLateRefusal(actor, input, gathered, error.blocker);
    }
  }

  /** A unit whose seat vanished at write time was rolled back; the refusal is recorded apart. */
  async function recordLateRefusal(
    actor: Actor,
    input: UnitInput,
    g: GatheredFacts,
    blocker: Blocker,
  ): Promise<UnitOutcome> {
    const now = clock.now();
    const body = registrationBlockedBody(actor.requestId ?? '', [blocker]);
    try {
      await repo.insertRecords(db, {
        audit: g.targets.map((t) =>
          auditRow({
            at: now,
            actorId: actor.userId,
            studentId: input.studentId,
            sectionId: t.id,
            termId: g.term.id,
            registrationId: null,
            action: input.action,
            outcome: 'refused',
            blockerCodes: t.id === blocker.sectionId ? [blocker.code] : [],
            details: { messages: [blocker.message] },
            requestId: actor.requestId,
          }),
        ),
        idempotency: input.idempotency && {
          ...idempotencyWrite(actor, input.idempotency, now),
          statusCode: 422,
          response: body,
        },
      });
    } catch (error) {
      if (!isRetryable(error)) throw error;
    }
    return { kind: 'blocked', blockers: [blocker], statusCode: 422, body };
  }

  // -------------------------------------------------------------------------------------------
  // Dropping

  async function dropRegistration(
    actor: Actor,
    input: { studentId: string; registrationId: string; byStaff: boolean },
  ): Promise<RegistrationView> {
    const isAdmin = actor.roles.includes('admin');
    const changes = new Changes();
    type Result = { refused: string } | { view: RegistrationView };
    const result = await inTransaction(async (tx): Promise<Result> => {
      changes.clear();
      const now = clock.now();
      const g = await gather(tx, actor, {
        studentId: input.studentId,
        sectionIds: [],
        registrationId: input.registrationId,
        now,
      });
      const reg = g?.anchor;
      if (!g || !reg) throw new RegistrationNotFoundError();
      if (!isLive(reg.status)) throw new RegistrationNotLiveError(reg.status);
      const kind = dropKind(g.term, reg.status, now, input.byStaff && isAdmin);
      if (!kind.allowed) {
        await repo.insertRecords(tx, {
          audit: [
            auditRow({
              at: now,
              actorId: actor.userId,
              studentId: input.studentId,
              sectionId: reg.sectionId,
              termId: reg.termId,
              registrationId: reg.id,
              action: 'drop',
              outcome: 'refused',
              blockerCodes: ['drop_not_allowed'],
              details: { message: kind.message },
              requestId: actor.requestId,
            }),
          ],
        });
        return { refused: kind.message };
      }
      const notices: Notice[] = input.byStaff
        ? [
            {
              userId: input.studentId,
              email: g.student.email,
              kind: 'registration.changed_by_staff',
              title: `You were ${kind.status === 'withdrawn' ? 'withdrawn from' : 'dropped from'} ${reg.section.code}`,
              body: `A staff member ${kind.status === 'withdrawn' ? 'withdrew you from' : 'dropped you from'} ${reg.section.code} (${reg.section.title}).`,
              data: { registrationId: reg.id, sectionId: reg.sectionId },
            },
          ]
        : [];
      // Billing: credited by the term's refund schedule; an unpaid pay-to-enrol seat in full. The
      // credits are posted by the release statement itself.
      const charges = isSeated(reg.status)
        ? chargesForDrop(
            g.billing,
            {
              studentId: input.studentId,
              termId: reg.termId,
              registrationId: reg.id,
              section: chargedSection(reg),
              load: seatLoad(g.current),
              actorId: actor.userId,
            },
            now,
            reg.status === 'pending_payment'
              ? { reason: 'dropped', refundPercent: 100 }
              : { reason: kind.status },
          )
        : [];
      const released = await repo.releaseRegistration(tx, {
        registrationId: reg.id,
        sectionId: reg.sectionId,
        expectedStatus: reg.status,
        newStatus: kind.status,
        reason: input.byStaff ? 'staff' : 'student',
        now,
        charges,
        audit: [
          auditRow({
            at: now,
            actorId: actor.userId,
            studentId: input.studentId,
            sectionId: reg.sectionId,
            termId: reg.termId,
            registrationId: reg.id,
            action: reg.status === 'offered' ? 'decline_offer' : 'drop',
            outcome: kind.status,
            requestId: actor.requestId,
          }),
        ],
      });
      await sendNotices(tx, notices, now, changes);
      changes.sections.add(reg.sectionId);
      // The release statement still holds the section's row: with nobody wait-listed there is
      // no one to promote, and the promotion's own lock round trip is saved.
      if (reg.status !== 'waitlisted' && released.waitlistedAfter > 0) {
        await promoteWaitlist(tx, reg.sectionId, {
          now,
          actorId: actor.userId,
          requestId: actor.requestId,
          depth: 0,
          changes,
        });
      }
      return {
        view: registrationView({ ...reg, status: kind.status, swapDropRegistrationId: null }),
      };
    });
    if ('refused' in result) throw new DropNotAllowedError(result.refused);
    publish(changes);
    return result.view;
  }

  // -------------------------------------------------------------------------------------------
  // Swapping: drop X and add Y atomically, or wait for Y and drop X when promoted

  async function swapRegistration(
    actor: Actor,
    input: {
      studentId: string;
      dropRegistrationId: string;
      addSectionId: string;
      idempotency?: IdempotencyInput | undefined;
    },
  ): Promise<HttpResult> {
    const changes = new Changes();
    const result = await inTransaction(async (tx): Promise<HttpResult | { refused: string }> => {
      changes.clear();
      const now = clock.now();
      const g = await gather(tx, actor, {
        studentId: input.studentId,
        sectionIds: [input.addSectionId],
        registrationId: input.dropRegistrationId,
        idempotency: input.idempotency && {
          userId: actor.userId,
          key: input.idempotency.key,
          since: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
        },
        now,
      });
      if (!g) {
        if (input.idempotency) await replayIfStored(tx, actor, input.idempotency, now);
        throw new SectionNotFoundError();
      }
      if (g.idempotency && input.idempotency) return checkReplay(g.idempotency, input.idempotency);
      const drop = g.anchor;
      if (!drop) throw new RegistrationNotFoundError();
      if (!isLive(drop.status)) throw new RegistrationNotLiveError(drop.status);
      const target = g.targets[0];
      if (!target) throw new SectionNotFoundError();
      if (target.termId !== drop.termId) {
        throw new ValidationError('A swap must stay within one term.');
      }
      if (target.id === drop.sectionId) {
        throw new ValidationError('A swap needs another section than the one being dropped.');
      }
      const kind = dropKind(g.term, drop.status, now, false);
      if (!kind.allowed) return { refused: kind.message };
      const request = {
        sections: [target],
        overrides: [] as Override[],
        dropping: [drop.id],
        purpose: 'register' as const,
      };
      const evaluation = evaluateRegistration(g.facts, request);
      const verdict = evaluation.sections[0]!;
      const auditBase = {
        at: now,
        actorId: actor.userId,
        studentId: input.studentId,
        termId: g.term.id,
        requestId: actor.requestId,
      };
      const store = async (statusCode: number, body: Record<string, unknown>) => {
        if (input.idempotency) {
          await repo.insertRecords(tx, {
            idempotency: {
              ...idempotencyWrite(actor, input.idempotency, now),
              statusCode,
              response: body,
            },
          });
        }
      };
      if (!evaluation.ok) {
        const body = registrationBlockedBody(actor.requestId ?? '', verdict.blockers);
        await repo.insertRecords(tx, {
          audit: [
            auditRow({
              ...auditBase,
              sectionId: target.id,
              registrationId: null,
              action: 'swap',
              outcome: 'refused',
              blockerCodes: [...new Set(verdict.blockers.map((b) => b.code))],
              details: {
                dropRegistrationId: drop.id,
                messages: verdict.blockers.map((b) => b.message),
              },
            }),
          ],
        });
        await store(422, body);
        return { statusCode: 422, body };
      }
      // Both sections locked up front, in id order.
      await repo.lockSections(tx, [drop.sectionId, target.id].sort());
      const used = [...new Set(verdict.waived.map((w) => w.override))];
      const registrationId = newId();
      const taken = await repo.takeSeat(tx, {
        registrationId,
        studentId: input.studentId,
        sectionId: target.id,
        termId: g.term.id,
        credits: target.credits,
        overrides: used,
        ignoreCapacity: overridesFor(request, target).has('capacity'),
        allowWaitlist: true,
        heldReservationIds: reservationsHeldFrom(target, g.student, now).map((r) => r.id),
        swapDropRegistrationId: drop.id,
        actorId: actor.userId,
        now,
        audit: {
          id: newId(),
          ...auditBase,
          sectionId: target.id,
          action: 'swap',
          details: { dropRegistrationId: drop.id },
        },
      });
      if (taken.outcome === 'full' || taken.outcome === 'cancelled') {
        const body = registrationBlockedBody(actor.requestId ?? '', [
          seatLostBlocker(target, taken.outcome),
        ]);
        await store(422, body);
        return { statusCode: 422, body };
      }
      changes.sections.add(target.id);
      const added = registrationView(
        {
          id: registrationId,
          termId: g.term.id,
          sectionId: target.id,
          section: summaryOf(target),
          status: taken.outcome,
          credits: target.credits,
          offerExpiresAt: null,
          swapDropRegistrationId: taken.outcome === 'waitlisted' ? drop.id : null,
          overrides: used,
        },
        taken.waitlistPosition,
      );
      let dropped = registrationView(drop);
      if (taken.outcome === 'enrolled') {
        // Billing: the exchange is priced as one move (an even swap posts nothing); a
        // wait-listed registration had not been charged, so that is a plain add. The release
        // statement posts it.
        const added = {
          id: target.id,
          courseId: target.courseId,
          credits: target.credits,
          code: target.code,
        };
        const charges = isSeated(drop.status)
          ? chargesForSwap(
              g.billing,
              {
                studentId: input.studentId,
                termId: g.term.id,
                drop: { registrationId: drop.id, section: chargedSection(drop) },
                add: { registrationId, section: added },
                load: seatLoad(g.current),
                actorId: actor.userId,
              },
              now,
            )
          : chargesForAdd(
              g.billing,
              {
                studentId: input.studentId,
                termId: g.term.id,
                registrationId,
                section: added,
                load: seatLoad(g.current),
                actorId: actor.userId,
              },
              now,
            );
        const released = await repo.releaseRegistration(tx, {
          registrationId: drop.id,
          sectionId: drop.sectionId,
          expectedStatus: drop.status,
          newStatus: kind.status,
          reason: 'swap',
          now,
          charges,
          audit: [
            auditRow({
              ...auditBase,
              sectionId: drop.sectionId,
              registrationId: drop.id,
              action: 'swap_drop',
              outcome: kind.status,
              details: { addedRegistrationId: registrationId },
            }),
          ],
        });
        changes.sections.add(drop.sectionId);
        dropped = registrationView({ ...drop, status: kind.status, swapDropRegistrationId: null });
        if (drop.status !== 'waitlisted' && released.waitlistedAfter > 0) {
          await promoteWaitlist(tx, drop.sectionId, {
            now,
            actorId: actor.userId,
            requestId: actor.requestId,
            depth: 0,
            changes,
          });
        }
      }
      const body = { dropped, added };
      await store(200, body);
      return { statusCode: 200, body };
    });
    if ('refused' in result) throw new DropNotAllowedError(result.refused);
    publish(changes);
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // Offers (claim-window wait-lists)

  async function acceptOffer(
    actor: Actor,
    input: { studentId: string; registrationId: string },
  ): Promise<RegistrationView> {
    const changes = new Changes();
    const result = await inTransaction(async (tx) => {
      changes.clear();
      const now = clock.now();
      const g = await gather(tx, actor, {
        studentId: input.studentId,
        sectionIds: [],
        registrationId: input.registrationId,
        now,
      });
      const reg = g?.anchor;
      if (!g || !reg) throw new RegistrationNotFoundError();
      if (reg.status !== 'offered') {
        // An offer that lapsed was already passed on by its job.
        if (reg.dropReason === 'offer_expired') return { expired: true as const };
        throw new NotOfferedError(reg.status);
      }
      if (!reg.offerExpiresAt || reg.offerExpiresAt.getTime() <= now.getTime()) {
        await expireOfferInTransaction(tx, g, reg, now, changes);
        return { expired: true as const };
      }
      // A wait-list swap completes when the offer is accepted: drop the other section now.
      const swap = reg.swapDropRegistrationId
        ? g.current.find((r) => r.id === reg.swapDropRegistrationId)
        : undefined;
      // Billing, pay-to-enrol terms: the accepted seat is held until paid, as a seat taken at
      // registration is; a swap moves straight across (its student holds a paid seat).
      const holdUntil = swap ? null : paymentHoldUntil(g, now);
      await repo.acceptOffer(tx, {
        registrationId: reg.id,
        now,
        holdUntil,
        audit: [
          auditRow({
            at: now,
            actorId: actor.userId,
            studentId: input.studentId,
            sectionId: reg.sectionId,
            termId: reg.termId,
            registrationId: reg.id,
            action: 'accept_offer',
            outcome: holdUntil ? 'pending_payment' : 'enrolled',
            requestId: actor.requestId,
          }),
        ],
      });
      if (holdUntil) await scheduleHoldRelease(tx, reg.id, holdUntil);
      if (swap) {
        await repo.lockSections(tx, [swap.sectionId]);
        await repo.releaseRegistration(tx, {
          registrationId: swap.id,
          sectionId: swap.sectionId,
          expectedStatus: swap.status as LiveStatus,
          newStatus: 'dropped',
          reason: 'swap',
          now,
          audit: [
            auditRow({
              at: now,
              actorId: actor.userId,
              studentId: input.studentId,
              sectionId: swap.sectionId,
              termId: swap.termId,
              registrationId: swap.id,
              action: 'swap_drop',
              outcome: 'dropped',
              details: { addedRegistrationId: reg.id },
              requestId: actor.requestId,
            }),
          ],
        });
        changes.sections.add(swap.sectionId);
        if (swap.status !== 'waitlisted') {
          await promoteWaitlist(tx, swap.sectionId, {
            now,
            actorId: actor.userId,
            requestId: actor.requestId,
            depth: 0,
            changes,
          });
        }
      }
      // Billing: the accepted seat is charged now (a wait-list swap is priced as one move).
      const base = {
        studentId: input.studentId,
        termId: reg.termId,
        load: seatLoad(g.current),
        actorId: actor.userId,
      };
      await insertLedgerEntries(
        tx,
        swap && isSeated(swap.status)
          ? chargesForSwap(
              g.billing,
              {
                ...base,
                drop: { registrationId: swap.id, section: chargedSection(swap) },
                add: { registrationId: reg.id, section: chargedSection(reg) },
              },
              now,
            )
          : chargesForAdd(
              g.billing,
              { ...base, registrationId: reg.id, section: chargedSection(reg) },
              now,
            ),
      );
      return {
        view: registrationView({
          ...reg,
          status: holdUntil ? 'pending_payment' : 'enrolled',
          offerExpiresAt: holdUntil,
          swapDropRegistrationId: null,
        }),
      };
    });
    publish(changes);
    if ('expired' in result) throw new OfferExpiredError();
    return result.view;
  }

  async function expireOfferInTransaction(
    tx: Transaction<DB>,
    g: GatheredFacts,
    reg: RegistrationRecord,
    now: Date,
    changes: Changes,
  ): Promise<void> {
    await repo.lockSections(tx, [reg.sectionId]);
    await repo.releaseRegistration(tx, {
      registrationId: reg.id,
      sectionId: reg.sectionId,
      expectedStatus: 'offered',
      newStatus: 'dropped',
      reason: 'offer_expired',
      now,
      audit: [
        auditRow({
          at: now,
          actorId: null,
          studentId: g.student.id,
          sectionId: reg.sectionId,
          termId: reg.termId,
          registrationId: reg.id,
          action: 'offer_expired',
          outcome: 'dropped',
          details: { offerExpiresAt: reg.offerExpiresAt?.toISOString() ?? null },
          requestId: null,
        }),
      ],
    });
    await sendNotices(
      tx,
      [
        {
          userId: g.student.id,
          email: g.student.email,
          kind: 'registration.offer_expired',
          title: `Your offer for ${reg.section.code} expired`,
          body: `You did not accept the seat in ${reg.section.code} by ${reg.offerExpiresAt ? formatInstant(reg.offerExpiresAt, g.term.timeZone) : 'the deadline'}, so it went to the next student. You are no longer on its wait-list.`,
          data: { registrationId: reg.id, sectionId: reg.sectionId },
        },
      ],
      now,
      changes,
    );
    changes.sections.add(reg.sectionId);
    await promoteWaitlist(tx, reg.sectionId, {
      now,
      actorId: null,
      requestId: null,
      depth: 0,
      changes,
    });
  }

  /** Passes a lapsed offer on (the job at its expiry time, or a sweep). */
  async function expireOffer(registrationId: string): Promise<boolean> {
    const brief = await repo.findRegistrationBrief(db, registrationId);
    if (!brief || brief.status !== 'offered') return false;
    const changes = new Changes();
    const expired = await inTransaction(async (tx) => {
      changes.clear();
      const now = clock.now();
      const g = await gatherFacts(tx, {
        studentId: brief.studentId,
        sectionIds: [],
        registrationId,
        now,
      });
      const reg = g?.anchor;
      if (!g || !reg || reg.status !== 'offered') return false;
      if (!reg.offerExpiresAt || reg.offerExpiresAt.getTime() > now.getTime()) return false;
      await expireOfferInTransaction(tx, g, reg, now, changes);
      return true;
    });
    publish(changes);
    return expired;
  }

  /**
   * Billing, pay-to-enrol: a seat held until paid and not paid in time is released (its charges
   * reversed in full) and goes to the wait-list. Run by its job at the hold's end.
   */
  async function releaseUnpaidHold(registrationId: string): Promise<boolean> {
    const brief = await repo.findRegistrationBrief(db, registrationId);
    if (!brief || brief.status !== 'pending_payment') return false;
    const changes = new Changes();
    const released = await inTransaction(async (tx) => {
      changes.clear();
      const now = clock.now();
      const g = await gatherFacts(tx, {
        studentId: brief.studentId,
        sectionIds: [],
        registrationId,
        now,
      });
      const reg = g?.anchor;
      if (!g || !reg || reg.status !== 'pending_payment') return false;
      if (reg.offerExpiresAt && reg.offerExpiresAt.getTime() > now.getTime()) return false;
      await repo.lockSections(tx, [reg.sectionId]);
      await repo.releaseRegistration(tx, {
        registrationId: reg.id,
        sectionId: reg.sectionId,
        expectedStatus: 'pending_payment',
        newStatus: 'dropped',
        reason: 'payment_timeout',
        now,
        // Billing: an unpaid hold is reversed in full.
        charges: chargesForDrop(
          g.billing,
          {
            studentId: g.student.id,
            termId: reg.termId,
            registrationId: reg.id,
            section: chargedSection(reg),
            load: seatLoad(g.current),
            actorId: null,
          },
          now,
          { reason: 'released', refundPercent: 100 },
        ),
        audit: [
          auditRow({
            at: now,
            actorId: null,
            studentId: g.student.id,
            sectionId: reg.sectionId,
            termId: reg.termId,
            registrationId: reg.id,
            action: 'payment_timeout',
            outcome: 'dropped',
            requestId: null,
          }),
        ],
      });
      await sendNotices(
        tx,
        [
          {
            userId: g.student.id,
            email: g.student.email,
            kind: 'registration.payment_timeout',
            title: `Your seat in ${reg.section.code} was released`,
            body: `The seat held for you in ${reg.section.code} was not paid for in time, so it went back (and to the wait-list). Its charges were reversed. Register again to hold a new seat if one is free.`,
            data: { registrationId: reg.id, sectionId: reg.sectionId },
          },
        ],
        now,
        changes,
      );
      changes.sections.add(reg.sectionId);
      await promoteWaitlist(tx, reg.sectionId, {
        now,
        actorId: null,
        requestId: null,
        depth: 0,
        changes,
      });
      return true;
    });
    publish(changes);
    return released;
  }

  /** Expires every lapsed offer; returns how many. A safety net for lost or late jobs. */
  /** Deletes stored responses no request can replay any more; returns how many. */
  async function purgeExpiredIdempotencyKeys(): Promise<number> {
    const before = new Date(clock.now().getTime() - IDEMPOTENCY_WINDOW_MS);
    return repo.deleteIdempotencyKeysBefore(db, before);
  }

  async function expireLapsedOffers(limit = 500): Promise<number> {
    const ids = await repo.listLapsedOffers(db, clock.now(), limit);
    let count = 0;
    for (const id of ids) if (await expireOffer(id)) count++;
    return count;
  }

  // -------------------------------------------------------------------------------------------
  // Wait-list promotion

  async function deferPromotion(tx: Transaction<DB>, sectionId: string): Promise<void> {
    // Without a running job queue (a CLI or a test app) the next seat change promotes instead.
    if (!jobs.started) return;
    await jobs.send(tx, PROMOTE_WAITLIST_JOB, { sectionId }, { singletonKey: sectionId });
  }

  /**
   * Fills free seats of a section (whose row the caller holds locked) from the head of its
   * wait-list. The head's own student lock is taken with SKIP LOCKED: waiting for it while
   * holding the section lock could deadlock with that student's own request (which takes its
   * student lock, then this section). When it is busy, a job finishes the promotion within a
   * second, taking the locks in the proper order. Ineligible heads are skipped with a recorded
   * reason and a notice, and keep their place.
   */
  async function promoteWaitlist(
    tx: Transaction<DB>,
    sectionId: string,
    ctx: PromotionContext,
  ): Promise<void> {
    const passedOver: string[] = [];
    for (let step = 0; step < 10_000; step++) {
      const [seats] = await repo.lockSections(tx, [sectionId]);
      if (!seats || seats.status !== 'active' || seats.enrolled >= seats.capacity) return;
      const head = await repo.findWaitlistHead(tx, sectionId, passedOver);
      if (!head) return;
      if (!(await repo.tryLockStudentTerm(tx, head.studentId, seats.termId))) {
        await deferPromotion(tx, sectionId);
        return;
      }
      const swapBrief = head.swapDropRegistrationId
        ? await repo.findRegistrationBrief(tx, head.swapDropRegistrationId)
        : undefined;
      const swap = swapBrief && isLive(swapBrief.status) ? swapBrief : undefined;
      if (
        swap &&
        swap.sectionId !== sectionId &&
        !(await repo.tryLockSection(tx, swap.sectionId))
      ) {
        await deferPromotion(tx, sectionId);
        return;
      }
      const g = await gatherFacts(tx, {
        studentId: head.studentId,
        sectionIds: [sectionId],
        registrationId: head.id,
        now: ctx.now,
      });
      const reg = g?.anchor;
      const target = g?.targets[0];
      if (!g || !reg || !target || reg.status !== 'waitlisted') {
        passedOver.push(head.id);
        continue;
      }
      // Wait-lists freeze at the add/drop deadline: nobody is added to a class after it.
      if (ctx.now.getTime() > g.term.addDropDeadline.getTime()) return;
      const claim = target.waitlistMode === 'claim';
      const swapping = swap && !claim ? swap : undefined;
      const evaluation = evaluateRegistration(g.facts, {
        sections: [target],
        overrides: reg.overrides.filter(
          (o): o is Override => (OVERRIDES as readonly string[]).includes(o) && o !== 'capacity',
        ),
        dropping: [reg.id, ...(swap ? [swap.id] : [])],
        purpose: 'promote',
      });
      const verdict = evaluation.sections[0]!;
      const blockers = [...verdict.blockers];
      if (seatsAvailableFor(target, g.student, ctx.now) <= 0) {
        blockers.push({
          code: 'section_full',
          sectionId,
          message: `The seat that opened in ${target.code} is reserved for another group of students.`,
        });
      }
      if (blockers.length > 0) {
        await skipHead(tx, g, reg, blockers, ctx);
        passedOver.push(head.id);
        continue;
      }
      if (swapping) {
        await repo.releaseRegistration(tx, {
          registrationId: swapping.id,
          sectionId: swapping.sectionId,
          expectedStatus: swapping.status as LiveStatus,
          newStatus: 'dropped',
          reason: 'swap',
          now: ctx.now,
          audit: [
            auditRow({
              at: ctx.now,
              actorId: ctx.actorId,
              studentId: head.studentId,
              sectionId: swapping.sectionId,
              termId: swapping.termId,
              registrationId: swapping.id,
              action: 'swap_drop',
              outcome: 'dropped',
              details: { addedRegistrationId: reg.id },
              requestId: ctx.requestId,
            }),
          ],
        });
        ctx.changes.sections.add(swapping.sectionId);
      }
      const expires = claim
        ? new Date(ctx.now.getTime() + (g.term.claimWindowHours ?? 24) * 3_600_000)
        : null;
      // Billing, pay-to-enrol terms: the freed seat is held until paid, as a seat taken at
      // registration is. A wait-list swap is not: its student already holds a seat, and the
      // exchange is priced as one move.
      const holdUntil = claim || swapping ? null : paymentHoldUntil(g, ctx.now);
      const newStatus = claim ? 'offered' : holdUntil ? 'pending_payment' : 'enrolled';
      const deadline = expires ?? holdUntil;
      const used = [...new Set([...reg.overrides, ...verdict.waived.map((w) => w.override)])];
      const notice: Notice = claim
        ? {
            userId: head.studentId,
            email: g.student.email,
            kind: 'registration.offered',
            title: `A seat in ${target.code} is yours to claim`,
            body: `A seat opened in ${target.code} (${target.title}). Accept it by ${formatInstant(expires!, g.term.timeZone)}, or it passes to the next student on the wait-list.`,
            data: { registrationId: reg.id, sectionId, offerExpiresAt: expires!.toISOString() },
          }
        : holdUntil
          ? {
              userId: head.studentId,
              email: g.student.email,
              kind: 'registration.promoted',
              title: `A seat in ${target.code} is held for you until you pay`,
              body: `A seat opened in ${target.code} (${target.title}) and you moved from the wait-list into it. Pay for it by ${formatInstant(holdUntil, g.term.timeZone)} to keep it; unpaid, it goes to the next student on the wait-list.`,
              data: { registrationId: reg.id, sectionId, offerExpiresAt: holdUntil.toISOString() },
            }
          : {
              userId: head.studentId,
              email: g.student.email,
              kind: 'registration.promoted',
              title: `You are enrolled in ${target.code}`,
              body: `A seat opened in ${target.code} (${target.title}) and you moved from the wait-list into it.${swapping ? ` As you asked, your registration in the section you swapped from was dropped.` : ''}`,
              data: { registrationId: reg.id, sectionId },
            };
      await repo.promoteRegistration(tx, {
        registrationId: reg.id,
        sectionId,
        newStatus,
        offerExpiresAt: deadline,
        overrides: used,
        keepSwap: claim,
        now: ctx.now,
        audit: [
          auditRow({
            at: ctx.now,
            actorId: ctx.actorId,
            studentId: head.studentId,
            sectionId,
            termId: g.term.id,
            registrationId: reg.id,
            action: 'promote',
            outcome: newStatus,
            details: {
              skipped: passedOver,
              ...(deadline ? { offerExpiresAt: deadline.toISOString() } : {}),
            },
            requestId: ctx.requestId,
          }),
        ],
        notifications: [],
      });
      if (!claim) {
        // Billing: the promoted student is charged now (a wait-list swap as one move); a
        // claim-window offer is charged when accepted.
        const dropped = swapping ? g.current.find((r) => r.id === swapping.id) : undefined;
        const base = {
          studentId: head.studentId,
          termId: g.term.id,
          load: seatLoad(g.current),
          actorId: ctx.actorId,
        };
        await insertLedgerEntries(
          tx,
          dropped && isSeated(dropped.status)
            ? chargesForSwap(
                g.billing,
                {
                  ...base,
                  drop: { registrationId: dropped.id, section: chargedSection(dropped) },
                  add: { registrationId: reg.id, section: chargedSection(reg) },
                },
                ctx.now,
              )
            : chargesForAdd(
                g.billing,
                { ...base, registrationId: reg.id, section: chargedSection(reg) },
                ctx.now,
              ),
        );
      }
      await sendNotices(tx, [notice], ctx.now, ctx.changes);
      ctx.changes.sections.add(sectionId);
      if (claim && jobs.started) {
        await jobs.send(
          tx,
          EXPIRE_OFFER_JOB,
          { registrationId: reg.id },
          { singletonKey: reg.id, startAfter: expires! },
        );
      }
      if (holdUntil) await scheduleHoldRelease(tx, reg.id, holdUntil);
      if (swapping && swapping.status !== 'waitlisted') {
        if (ctx.depth < MAX_PROMOTION_DEPTH) {
          await promoteWaitlist(tx, swapping.sectionId, { ...ctx, depth: ctx.depth + 1 });
        } else {
          await deferPromotion(tx, swapping.sectionId);
        }
      }
    }
  }

  async function skipHead(
    tx: Transaction<DB>,
    g: GatheredFacts,
    reg: RegistrationRecord,
    blockers: Blocker[],
    ctx: PromotionContext,
  ): Promise<void> {
    await repo.insertRecords(tx, {
      audit: [
        auditRow({
          at: ctx.now,
          actorId: ctx.actorId,
          studentId: g.student.id,
          sectionId: reg.sectionId,
          termId: reg.termId,
          registrationId: reg.id,
          action: 'promote',
          outcome: 'skipped',
          blockerCodes: [...new Set(blockers.map((b) => b.code))],
          details: { messages: blockers.map((b) => b.message) },
          requestId: ctx.requestId,
        }),
      ],
    });
    await sendNotices(
      tx,
      [
        {
          userId: g.student.id,
          email: g.student.email,
          kind: 'registration.skipped',
          title: `A seat in ${reg.section.code} went to the next student`,
          body: `A seat opened in ${reg.section.code}, but you could not take it: ${blockers.map((b) => b.message).join(' ')} You keep your place on the wait-list.`,
          data: {
            registrationId: reg.id,
            sectionId: reg.sectionId,
            blockers: blockers.map((b) => b.code),
          },
        },
      ],
      ctx.now,
      ctx.changes,
    );
  }

  /** The deferred promotion: head's student lock first (waiting is fine here), then sections. */
  async function runPromotionJob(sectionId: string): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const head = await repo.findWaitlistHead(db, sectionId, []);
      if (!head) return;
      const changes = new Changes();
      const progressed = await inTransaction(async (tx) => {
        changes.clear();
        const now = clock.now();
        const g = await gatherFacts(tx, {
          studentId: head.studentId,
          sectionIds: [],
          registrationId: head.id,
          now,
        });
        if (!g?.anchor || g.anchor.status !== 'waitlisted') return true;
        const swap = head.swapDropRegistrationId
          ? await repo.findRegistrationBrief(tx, head.swapDropRegistrationId)
          : undefined;
        await repo.lockSections(
          tx,
          [sectionId, ...(swap && swap.sectionId !== sectionId ? [swap.sectionId] : [])].sort(),
        );
        const before = await repo.findWaitlistHead(tx, sectionId, []);
        await promoteWaitlist(tx, sectionId, {
          now,
          actorId: null,
          requestId: null,
          depth: 0,
          changes,
        });
        const after = await repo.findWaitlistHead(tx, sectionId, []);
        return before?.id !== after?.id;
      });
      publish(changes);
      if (!progressed) return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Section lifecycle (called inside the catalog's transaction, section row already locked)

  const sectionHooks: SectionLifecycleHooks = {
    async afterSectionCancelled(tx, section) {
      const now = clock.now();
      const changes = new Changes();
      changes.sections.add(section.id);
      const released = await repo.releaseAllInSection(tx, { sectionId: section.id, now });
      if (released.length === 0) return;
      const code = (await repo.findSectionAccess(tx, section.id))?.code ?? 'A section';
      // Billing: the institution cancelled the section, so its charges are reversed in full.
      const seated = released.filter((r) => isSeated(r.status));
      const facts = seated.length
        ? await loadBillingFacts(tx, { termId: section.termId, sectionIds: [section.id] })
        : undefined;
      if (facts) {
        const { loads, named } = await repo.listSeatLoads(tx, {
          termId: section.termId,
          studentIds: seated.map((r) => r.studentId),
          registrationIds: seated.map((r) => r.id),
        });
        await insertLedgerEntries(
          tx,
          seated.flatMap((r) => {
            const item = named.get(r.id);
            if (!item) return [];
            return chargesForDrop(
              facts,
              {
                studentId: r.studentId,
                termId: section.termId,
                registrationId: r.id,
                section: { id: section.id, courseId: item.courseId, credits: item.credits, code },
                load: [...(loads.get(r.studentId) ?? []), item],
                actorId: null,
              },
              now,
              { reason: 'cancelled', refundPercent: 100 },
            );
          }),
        );
      }
      await repo.insertRecords(tx, {
        audit: released.map((r) =>
          auditRow({
            at: now,
            actorId: null,
            studentId: r.studentId,
            sectionId: section.id,
            termId: section.termId,
            registrationId: r.id,
            action: 'section_cancelled',
            outcome: 'dropped',
            details: { previousStatus: r.status },
            requestId: null,
          }),
        ),
      });
      await sendNotices(
        tx,
        released.map((r) => ({
          userId: r.studentId,
          email: r.email,
          kind: 'registration.section_cancelled',
          title: `${code} was cancelled`,
          body: `${code} was cancelled, so your ${r.status === 'waitlisted' ? 'place on its wait-list' : 'seat'} was released. Choose another section in the catalog; your other registrations are unchanged.`,
          data: { registrationId: r.id, sectionId: section.id },
        })),
        now,
        changes,
      );
      publish(changes);
    },
    async afterCapacityChanged(tx, section, previousCapacity) {
      const now = clock.now();
      const [seats] = await repo.lockSections(tx, [section.id]);
      if (!seats) return;
      if (seats.capacity < seats.enrolled) {
        throw new CapacityBelowSeatsError(seats.enrolled, seats.capacity);
      }
      await repo.insertRecords(tx, {
        audit: [
          auditRow({
            at: now,
            actorId: null,
            studentId: null,
            sectionId: section.id,
            termId: section.termId,
            registrationId: null,
            action: 'capacity_change',
            outcome: 'changed',
            details: { from: previousCapacity, to: seats.capacity },
            requestId: null,
          }),
        ],
      });
      const changes = new Changes();
      changes.sections.add(section.id);
      if (seats.capacity > previousCapacity) {
        await promoteWaitlist(tx, section.id, {
          now,
          actorId: null,
          requestId: null,
          depth: 0,
          changes,
        });
      }
      publish(changes);
    },
  };

  // -------------------------------------------------------------------------------------------
  // Validation (the cart): every rule, nothing changed

  async function validateSections(input: {
    studentId: string;
    termId: string;
    sectionIds: readonly string[];
  }): Promise<ValidationResult> {
    const sectionIds = [...new Set(input.sectionIds)];
    // Read-only, but through the same gathering statement so it sees what registration would.
    return inTransaction(async (tx) => {
      const g = await gatherFacts(tx, {
        studentId: input.studentId,
        termId: input.termId,
        sectionIds,
        now: clock.now(),
      });
      if (!g) {
        await ensureStudent(tx, input.studentId);
        throw new AppError(404, 'not_found', 'The term was not found.');
      }
      const targets = g.targets.filter((t) => t.termId === g.term.id);
      const evaluation = evaluateRegistration(g.facts, {
        sections: targets,
        overrides: [],
        dropping: [],
        purpose: 'validate',
      });
      return {
        items: sectionIds.map((sectionId) => {
          const verdict = evaluation.sections.find((v) => v.sectionId === sectionId);
          if (!verdict) {
            return {
              sectionId,
              ok: false,
              waitlist: false,
              errors: [
                {
                  code: 'section_cancelled' as const,
                  sectionId,
                  message: 'This section no longer exists in this term. Remove it from your cart.',
                },
              ],
            };
          }
          return {
            sectionId,
            ok: verdict.blockers.length === 0,
            errors: verdict.blockers,
            waitlist: verdict.blockers.length === 0 && !verdict.seatAvailable,
          };
        }),
        warnings: evaluation.warnings,
      };
    });
  }

  /** When the student may register in the term, and whether that is now. */
  async function describeTimeTicket(studentId: string, termId: string) {
    return inTransaction(async (tx) => {
      const now = clock.now();
      const g = await gatherFacts(tx, { studentId, termId, sectionIds: [], now });
      if (!g) {
        await ensureStudent(tx, studentId);
        throw new TermNotFoundError();
      }
      const opensAt = effectiveOpensAt(g.facts);
      const ticket = g.facts.timeTicket;
      const source: 'student' | 'rule' | 'term' = ticket.studentOpensAt
        ? 'student'
        : ticket.rules.length > 0
          ? 'rule'
          : 'term';
      return {
        termId: g.term.id,
        opensAt: opensAt.toISOString(),
        closesAt: g.term.registrationClosesAt.toISOString(),
        source,
        open:
          now.getTime() >= opensAt.getTime() &&
          now.getTime() < g.term.registrationClosesAt.getTime(),
      };
    });
  }

  return {
    registerUnit,
    describeTimeTicket,
    dropRegistration,
    swapRegistration,
    acceptOffer,
    expireOffer,
    expireLapsedOffers,
    releaseUnpaidHold,
    runPromotionJob,
    validateSections,
    sectionHooks,
    purgeExpiredIdempotencyKeys,
    /** Declares the job handlers; call before the job queue starts. */
    defineJobs(): void {
      // Hourly, at minute 23: stored responses past the replay window are deleted.
      jobs.recurring(PURGE_IDEMPOTENCY_KEYS_JOB, '23 * * * *', async () => {
        await purgeExpiredIdempotencyKeys();
      });
      jobs.define<{ sectionId: string }>(PROMOTE_WAITLIST_JOB, async ({ sectionId }) => {
        await runPromotionJob(sectionId);
        await expireLapsedOffers();
      });
      jobs.define<{ registrationId: string }>(EXPIRE_OFFER_JOB, async ({ registrationId }) => {
        await expireOffer(registrationId);
      });
      jobs.define<{ registrationId: string }>(
        RELEASE_UNPAID_HOLD_JOB,
        async ({ registrationId }) => {
          await releaseUnpaidHold(registrationId);
        },
      );
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;

export function isLive(status: string): status is LiveStatus {
  return (
    status === 'enrolled' ||
    status === 'waitlisted' ||
    status === 'offered' ||
    status === 'pending_payment'
  );
}

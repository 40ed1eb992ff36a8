// Staff tools around registration: registering or dropping on a student's behalf with overrides,
// holds, permits, time tickets, rosters and wait-lists, and the audit log. Who may do what is
// decided here from the records (an advisor's advisees, a section's instructors).
import type { AppDeps } from '../../app.ts';
import { ForbiddenError, ValidationError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { ClassStanding } from '../../db/tables/identity.ts';
import type { HoldType } from '../../db/tables/registration.ts';
import {
  HoldAlreadyLiftedError,
  HoldNotFoundError,
  HoldTypeNotAllowedError,
  OverrideNotAllowedError,
  SectionNotFoundError,
  StudentNotFoundError,
  TermNotFoundError,
} from './registration.errors.ts';
import * as repo from './registration.repo.ts';
import type { HoldRecord, RosterEntry } from './registration.repo.ts';
import { HOLD_LIFTED_BY, type Override } from './registration.rules.ts';
import {
  registrationView,
  type Actor,
  type HttpResult,
  type IdempotencyInput,
  type RegistrationService,
} from './registration.service.ts';
import { auditView, decodeCursor, encodeCursor, unitResult } from './registration.student.ts';

/** Overrides an advisor may apply; everything else (capacity, holds, window) is the registrar's. */
export const ADVISOR_OVERRIDES: readonly Override[] = [
  'prerequisite',
  'corequisite',
  'time_conflict',
  'credit_limit',
  'restriction',
];
/** Overrides an instructor may grant by permit for their own section. */
export const INSTRUCTOR_OVERRIDES: readonly Override[] = [
  'capacity',
  'prerequisite',
  'corequisite',
  'time_conflict',
  'restriction',
];

const isAdmin = (actor: Actor): boolean => actor.roles.includes('admin');

export function holdView(hold: HoldRecord) {
  return {
    id: hold.id,
    studentId: hold.studentId,
    type: hold.type,
    reason: hold.reason,
    blocksRegistration: hold.blocksRegistration,
    placedBy: hold.placedBy,
    placedByName: hold.placedByName,
    placedAt: hold.placedAt.toISOString(),
    liftedBy: hold.liftedBy,
    liftedAt: hold.liftedAt ? hold.liftedAt.toISOString() : null,
    liftNote: hold.liftNote,
    liftedByWho: HOLD_LIFTED_BY[hold.type],
  };
}

function rosterView(entry: RosterEntry) {
  return {
    registrationId: entry.registrationId,
    studentId: entry.studentId,
    studentNumber: entry.studentNumber,
    name: entry.name,
    email: entry.email,
    program: entry.programCode,
    classStanding: entry.classStanding,
    credits: entry.credits,
    status: entry.status,
    joinedAt: entry.joinedAt.toISOString(),
    enrolledAt: entry.enrolledAt ? entry.enrolledAt.toISOString() : null,
    waitlistPosition: entry.waitlistPosition,
    offerExpiresAt: entry.offerExpiresAt ? entry.offerExpiresAt.toISOString() : null,
  };
}

export type RosterView = ReturnType<typeof rosterView>;

const csvCell = (value: string | number | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote always; neutralize spreadsheet formulas in user-entered text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
};

export function rosterCsv(items: readonly RosterView[], waitlist: boolean): string {
  const columns = waitlist
    ? ([
        'waitlistPosition',
        'status',
        'studentNumber',
        'name',
        'email',
        'program',
        'classStanding',
        'credits',
        'joinedAt',
        'offerExpiresAt',
      ] as const)
    : ([
        'studentNumber',
        'name',
        'email',
        'program',
        'classStanding',
        'credits',
        'status',
        'enrolledAt',
      ] as const);
  const lines = [columns.join(',')];
  for (const item of items) lines.push(columns.map((c) => csvCell(item[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function createStaffDesk(deps: AppDeps, engine: RegistrationService) {
  const db = deps.database.db;
  const clock = deps.clock;

  /** Admins act for anyone; advisors for their advisees only. */
  async function assertActsFor(actor: Actor, studentId: string) {
    const student = await repo.findStudentBrief(db, studentId);
    if (!student) throw new StudentNotFoundError();
    if (isAdmin(actor)) return student;
    if (actor.roles.includes('advisor') && student.advisorId === actor.userId) return student;
    throw new ForbiddenError('Only an administrator or the student’s advisor can do this.');
  }

  async function assertTeachesOrAdmin(actor: Actor, sectionId: string) {
    const section = await repo.findSectionAccess(db, sectionId);
    if (!section) throw new SectionNotFoundError();
    if (isAdmin(actor) || section.instructorUserIds.includes(actor.userId)) return section;
    throw new ForbiddenError('Only the section’s instructors and administrators can do this.');
  }

  async function audit(
    actor: Actor,
    row: Omit<repo.AuditRow, 'id' | 'at' | 'actorId' | 'requestId'>,
  ) {
    await repo.insertRecords(db, {
      audit: [
        { id: newId(), at: clock.now(), actorId: actor.userId, requestId: actor.requestId, ...row },
      ],
    });
  }

  return {
    async listStudentRegistrations(actor: Actor, studentId: string, termId: string | undefined) {
      await assertActsFor(actor, studentId);
      const rows = await repo.listStudentRegistrations(db, studentId, termId);
      return { items: rows.map((r) => registrationView(r.record, r.waitlistPosition)) };
    },

    async registerOnBehalf(
      actor: Actor,
      input: {
        studentId: string;
        sectionId: string;
        withSectionIds?: string[] | undefined;
        overrides?: Override[] | undefined;
        idempotency?: IdempotencyInput | undefined;
      },
    ): Promise<HttpResult> {
      await assertActsFor(actor, input.studentId);
      const overrides = input.overrides ?? [];
      if (!isAdmin(actor)) {
        const refused = overrides.filter((o) => !ADVISOR_OVERRIDES.includes(o));
        if (refused.length > 0) throw new OverrideNotAllowedError(refused);
      }
      const outcome = await engine.registerUnit(actor, {
        studentId: input.studentId,
        sectionIds: [input.sectionId, ...(input.withSectionIds ?? [])],
        overrides,
        action: 'staff_register',
        idempotency: input.idempotency,
      });
      return unitResult(outcome);
    },

    async dropOnBehalf(actor: Actor, input: { studentId: string; registrationId: string }) {
      await assertActsFor(actor, input.studentId);
      return engine.dropRegistration(actor, { ...input, byStaff: true });
    },

    // ------------------------------------------------------------------------------ holds

    async listHolds(actor: Actor, studentId: string) {
      if (actor.userId !== studentId) await assertActsFor(actor, studentId);
      else if (!(await repo.findStudentBrief(db, studentId))) throw new StudentNotFoundError();
      return { items: (await repo.listHolds(db, studentId)).map(holdView) };
    },

    async placeHold(
      actor: Actor,
      input: { studentId: string; type: HoldType; reason: string; blocksRegistration: boolean },
    ) {
      await assertActsFor(actor, input.studentId);
      if (!isAdmin(actor) && input.type !== 'advising') throw new HoldTypeNotAllowedError();
      const id = newId();
      await repo.insertHold(db, {
        id,
        studentId: input.studentId,
        type: input.type,
        reason: input.reason.trim(),
        blocksRegistration: input.blocksRegistration,
        placedBy: actor.userId,
        placedAt: clock.now(),
      });
      await audit(actor, {
        studentId: input.studentId,
        sectionId: null,
        termId: null,
        registrationId: null,
        action: 'hold_placed',
        outcome: 'placed',
        blockerCodes: [],
        details: { holdId: id, type: input.type, blocksRegistration: input.blocksRegistration },
      });
      const hold = await repo.findHold(db, input.studentId, id);
      return holdView(hold!);
    },

    async liftHold(
      actor: Actor,
      input: { studentId: string; holdId: string; note?: string | undefined },
    ) {
      await assertActsFor(actor, input.studentId);
      const hold = await repo.findHold(db, input.studentId, input.holdId);
      if (!hold) throw new HoldNotFoundError();
      if (!isAdmin(actor) && hold.type !== 'advising') throw new HoldTypeNotAllowedError();
      if (hold.liftedAt) throw new HoldAlreadyLiftedError();
      const lifted = await repo.liftHold(db, {
        holdId: hold.id,
        liftedBy: actor.userId,
        at: clock.now(),
        note: input.note?.trim() || null,
      });
      if (!lifted) throw new HoldAlreadyLiftedError();
      await audit(actor, {
        studentId: input.studentId,
        sectionId: null,
        termId: null,
        registrationId: null,
        action: 'hold_lifted',
        outcome: 'lifted',
        blockerCodes: [],
        details: { holdId: hold.id, type: hold.type },
      });
      return holdView((await repo.findHold(db, input.studentId, hold.id))!);
    },

    // ------------------------------------------------------------------------------ permits

    async grantPermit(
      actor: Actor,
      input: {
        sectionId: string;
        studentId: string;
        overrides: Override[];
        note?: string | undefined;
      },
    ) {
      const section = await assertTeachesOrAdmin(actor, input.sectionId);
      if (!(await repo.findStudentBrief(db, input.studentId))) throw new StudentNotFoundError();
      if (!isAdmin(actor)) {
        const refused = input.overrides.filter((o) => !INSTRUCTOR_OVERRIDES.includes(o));
        if (refused.length > 0) throw new OverrideNotAllowedError(refused);
      }
      const id = newId();
      await repo.insertPermit(db, {
        id,
        sectionId: section.id,
        studentId: input.studentId,
        overrides: [...new Set(input.overrides)],
        note: input.note?.trim() || null,
        grantedBy: actor.userId,
        grantedAt: clock.now(),
      });
      await audit(actor, {
        studentId: input.studentId,
        sectionId: section.id,
        termId: section.termId,
        registrationId: null,
        action: 'permit_granted',
        outcome: 'granted',
        blockerCodes: [],
        details: { permitId: id, overrides: input.overrides },
      });
      const permit = (await repo.listPermits(db, section.id)).find((p) => p.id === id)!;
      return permitView(permit);
    },

    async listPermits(actor: Actor, sectionId: string) {
      const section = await assertTeachesOrAdmin(actor, sectionId);
      return { items: (await repo.listPermits(db, section.id)).map(permitView) };
    },

    // ------------------------------------------------------------------------------ time tickets

    async replaceTimeTicketRules(
      actor: Actor,
      termId: string,
      rules: {
        minCreditsEarned?: number | null | undefined;
        classStanding?: ClassStanding | null | undefined;
        opensAt: string;
      }[],
    ) {
      if (!(await repo.termExists(db, termId))) throw new TermNotFoundError();
      await db.transaction().execute((tx) =>
        repo.replaceTimeTicketRules(
          tx,
          termId,
          rules.map((r) => ({
            minCreditsEarned: r.minCreditsEarned ?? null,
            classStanding: r.classStanding ?? null,
            opensAt: new Date(r.opensAt),
          })),
        ),
      );
      await audit(actor, {
        studentId: null,
        sectionId: null,
        termId,
        registrationId: null,
        action: 'time_tickets_set',
        outcome: 'changed',
        blockerCodes: [],
        details: { rules: rules.length },
      });
      return this.listTimeTickets(termId);
    },

    async listTimeTickets(termId: string) {
      if (!(await repo.termExists(db, termId))) throw new TermNotFoundError();
      const tickets = await repo.listTimeTickets(db, termId);
      return {
        termId,
        rules: tickets.rules.map((r) => ({
          minCreditsEarned: r.minCreditsEarned,
          classStanding: r.classStanding,
          opensAt: r.opensAt.toISOString(),
        })),
        students: tickets.students.map((s) => ({
          studentId: s.studentId,
          opensAt: s.opensAt.toISOString(),
        })),
      };
    },

    async setStudentTicket(
      actor: Actor,
      input: { termId: string; studentId: string; opensAt: string | null },
    ) {
      if (!(await repo.termExists(db, input.termId))) throw new TermNotFoundError();
      if (!(await repo.findStudentBrief(db, input.studentId))) throw new StudentNotFoundError();
      const opensAt = input.opensAt === null ? null : new Date(input.opensAt);
      if (opensAt && Number.isNaN(opensAt.getTime())) {
        throw new ValidationError('opensAt is not a valid instant.');
      }
      await repo.upsertStudentTicket(db, {
        studentId: input.studentId,
        termId: input.termId,
        opensAt,
      });
      await audit(actor, {
        studentId: input.studentId,
        sectionId: null,
        termId: input.termId,
        registrationId: null,
        action: 'time_ticket_set',
        outcome: 'changed',
        blockerCodes: [],
        details: { opensAt: opensAt?.toISOString() ?? null },
      });
      return {
        termId: input.termId,
        studentId: input.studentId,
        opensAt: opensAt?.toISOString() ?? null,
      };
    },

    // ------------------------------------------------------------------------------ rosters

    async roster(actor: Actor, sectionId: string) {
      const section = await assertTeachesOrAdmin(actor, sectionId);
      const items = await repo.listSectionRegistrations(db, section.id, [
        'enrolled',
        'pending_payment',
      ]);
      return { sectionId: section.id, code: section.code, items: items.map(rosterView) };
    },

    async waitlist(actor: Actor, sectionId: string) {
      const section = await assertTeachesOrAdmin(actor, sectionId);
      const items = await repo.listSectionRegistrations(db, section.id, ['offered', 'waitlisted']);
      return { sectionId: section.id, code: section.code, items: items.map(rosterView) };
    },

    // ------------------------------------------------------------------------------ audit

    async auditLog(query: {
      studentId?: string | undefined;
      sectionId?: string | undefined;
      termId?: string | undefined;
      outcome?: string | undefined;
      action?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      limit?: number | undefined;
      cursor?: string | undefined;
    }) {
      const limit = query.limit ?? 50;
      const rows = await repo.listAudit(db, {
        studentId: query.studentId,
        sectionId: query.sectionId,
        termId: query.termId,
        outcome: query.outcome,
        action: query.action,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(auditView),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
      };
    },
  };
}

function permitView(permit: repo.PermitRecord) {
  return {
    id: permit.id,
    sectionId: permit.sectionId,
    studentId: permit.studentId,
    studentName: permit.studentName,
    overrides: permit.overrides,
    note: permit.note,
    grantedBy: permit.grantedBy,
    grantedAt: permit.grantedAt.toISOString(),
  };
}

export type StaffDesk = ReturnType<typeof createStaffDesk>;

// What a student does for themself: registrations and their history, the cart (validate and check
// out), the time ticket and in-app notifications. Registration itself goes through the engine.
import type { AppDeps } from '../../app.ts';
import { ValidationError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import {
  CartItemNotFoundError,
  IdempotencyKeyReusedError,
  NotificationNotFoundError,
  RegistrationNotFoundError,
  SectionNotFoundError,
  TermNotFoundError,
} from './registration.errors.ts';
import * as repo from './registration.repo.ts';
import type { AuditEntry, NotificationRecord } from './registration.repo.ts';
import type { Blocker } from './registration.rules.ts';
import {
  registrationView,
  type Actor,
  type HttpResult,
  type IdempotencyInput,
  type RegistrationService,
  type RegistrationView,
  type UnitOutcome,
  IDEMPOTENCY_WINDOW_MS,
  isRetryable,
} from './registration.service.ts';

export interface PageCursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })).toString(
    'base64url',
  );
}

export function decodeCursor(text: string | undefined): PageCursor | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as {
      at?: unknown;
      id?: unknown;
    };
    const at = typeof parsed.at === 'string' ? new Date(parsed.at) : undefined;
    if (!at || Number.isNaN(at.getTime()) || typeof parsed.id !== 'string') throw new Error();
    return { at, id: parsed.id };
  } catch {
    throw new ValidationError('The cursor is not valid.', [
      {
        code: 'invalid',
        message: 'Use the nextCursor of the previous page.',
        path: 'query.cursor',
      },
    ]);
  }
}

export function auditView(entry: AuditEntry) {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    actorName: entry.actorName,
    studentId: entry.studentId,
    sectionId: entry.sectionId,
    sectionCode: entry.sectionCode,
    termId: entry.termId,
    registrationId: entry.registrationId,
    action: entry.action,
    outcome: entry.outcome,
    blockerCodes: entry.blockerCodes,
    details: entry.details,
    requestId: entry.requestId,
  };
}

function notificationView(n: NotificationRecord) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}

/** The HTTP answer to a registration unit: 201 with the registration(s), or the 422 / replay. */
export function unitResult(outcome: UnitOutcome): HttpResult {
  switch (outcome.kind) {
    case 'registered': {
      const [first] = outcome.registrations;
      return {
        statusCode: 201,
        body:
          outcome.registrations.length > 1
            ? { registration: first, registrations: outcome.registrations }
            : { registration: first },
      };
    }
    case 'blocked':
    case 'replayed':
      return { statusCode: outcome.statusCode, body: outcome.body };
  }
}

interface CheckoutResultItem {
  sectionId: string;
  registration?: RegistrationView;
  errors?: Blocker[];
}

export function createStudentDesk(deps: AppDeps, engine: RegistrationService) {
  const db = deps.database.db;
  const clock = deps.clock;

  return {
    async listRegistrations(studentId: string, termId: string | undefined) {
      const rows = await repo.listStudentRegistrations(db, studentId, termId);
      return {
        items: rows.map((r) => registrationView(r.record, r.waitlistPosition)),
      };
    },

    async getRegistration(studentId: string, registrationId: string) {
      const row = await repo.findRegistration(db, registrationId);
      if (!row || row.record.studentId !== studentId) throw new RegistrationNotFoundError();
      return registrationView(row.record, row.waitlistPosition);
    },

    async register(
      actor: Actor,
      input: {
        studentId: string;
        sectionId: string;
        withSectionIds?: string[] | undefined;
        idempotency?: IdempotencyInput | undefined;
      },
    ): Promise<HttpResult> {
      const outcome = await engine.registerUnit(actor, {
        studentId: input.studentId,
        sectionIds: [input.sectionId, ...(input.withSectionIds ?? [])],
        action: 'register',
        idempotency: input.idempotency,
        fromCart: true,
      });
      return unitResult(outcome);
    },

    async history(
      studentId: string,
      query: {
        termId?: string | undefined;
        limit?: number | undefined;
        cursor?: string | undefined;
      },
    ) {
      const limit = query.limit ?? 50;
      const rows = await repo.listAudit(db, {
        studentId,
        termId: query.termId,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(auditView),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
      };
    },

    // ------------------------------------------------------------------------------ cart

    async listCart(studentId: string, termId: string | undefined) {
      const items = await repo.listCart(db, studentId, termId);
      return { items: items.map(cartItemView) };
    },

    async addToCart(studentId: string, sectionId: string) {
      const added = await repo.insertCartItem(db, {
        id: newId(),
        studentId,
        sectionId,
        addedAt: clock.now(),
      });
      if (!added) throw new SectionNotFoundError();
      const item = (await repo.listCart(db, studentId, undefined)).find((i) => i.id === added.id);
      if (!item) throw new CartItemNotFoundError();
      return { created: added.created, item: cartItemView(item) };
    },

    async removeFromCart(studentId: string, itemId: string): Promise<void> {
      if (!(await repo.deleteCartItem(db, studentId, itemId))) throw new CartItemNotFoundError();
    },

    async validateCart(studentId: string, termId: string) {
      if (!(await repo.termExists(db, termId))) throw new TermNotFoundError();
      const items = await repo.listCart(db, studentId, termId);
      return engine.validateSections({
        studentId,
        termId,
        sectionIds: items.map((i) => i.sectionId),
      });
    },

    /**
     * Registers the cart. Atomic: one transaction, all or none. Otherwise section by section,
     * except that linked sections of one course (a lecture and its lab) are always taken together.
     */
    async checkout(
      actor: Actor,
      input: {
        studentId: string;
        termId: string;
        atomic: boolean;
        idempotency?: IdempotencyInput | undefined;
      },
    ): Promise<HttpResult> {
      if (input.idempotency) {
        const stored = await repo.findStoredResponse(
          db,
          actor.userId,
          input.idempotency.key,
          new Date(clock.now().getTime() - IDEMPOTENCY_WINDOW_MS),
        );
        if (stored) {
          if (stored.requestHash !== input.idempotency.requestHash) {
            throw new IdempotencyKeyReusedError();
          }
          return { statusCode: stored.statusCode, body: stored.response };
        }
      }
      if (!(await repo.termExists(db, input.termId))) throw new TermNotFoundError();
      const items = await repo.listCart(db, input.studentId, input.termId);
      const results = new Map<string, CheckoutResultItem>();
      const units: string[][] = [];
      if (input.atomic) {
        if (items.length > 0) units.push(items.map((i) => i.sectionId));
      } else {
        const byLink = new Map<string, string[]>();
        for (const item of items) {
          const link = item.section.linkedGroup
            ? `${item.section.courseId}/${item.section.linkedGroup}`
            : undefined;
          const unit = link ? byLink.get(link) : undefined;
          if (unit) {
            unit.push(item.sectionId);
          } else {
            const created = [item.sectionId];
            if (link) byLink.set(link, created);
            units.push(created);
          }
        }
      }
      let committed = true;
      for (const sectionIds of units) {
        const outcome = await engine.registerUnit(actor, {
          studentId: input.studentId,
          termId: input.termId,
          sectionIds,
          action: 'checkout',
          fromCart: true,
        });
        if (outcome.kind === 'registered') {
          for (const registration of outcome.registrations) {
            results.set(registration.sectionId, {
              sectionId: registration.sectionId,
              registration,
            });
          }
        } else if (outcome.kind === 'blocked') {
          committed = false;
          for (const sectionId of sectionIds) {
            results.set(sectionId, {
              sectionId,
              errors: outcome.blockers.filter((b) => b.sectionId === sectionId),
            });
          }
        }
      }
      const body = {
        results: items.map((i) => results.get(i.sectionId) ?? { sectionId: i.sectionId }),
        committed,
      };
      if (input.idempotency) {
        const now = clock.now();
        try {
          await repo.insertRecords(db, {
            idempotency: {
              userId: actor.userId,
              key: input.idempotency.key,
              requestHash: input.idempotency.requestHash,
              expiredBefore: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS),
              at: now,
              statusCode: 200,
              response: body,
            },
          });
        } catch (error) {
          // The store refuses with a serialization failure when the key was taken meanwhile.
          if (!isRetryable(error)) throw error;
          // A concurrent request with the same key finished first: its answer is the answer.
          const stored = await repo.findStoredResponse(
            db,
            actor.userId,
            input.idempotency.key,
            new Date(0),
          );
          if (stored) return { statusCode: stored.statusCode, body: stored.response };
        }
      }
      return { statusCode: 200, body };
    },

    // ------------------------------------------------------------------------------ notifications

    async listNotifications(
      userId: string,
      query: {
        unreadOnly?: boolean | undefined;
        limit?: number | undefined;
        cursor?: string | undefined;
      },
    ) {
      const limit = query.limit ?? 50;
      const rows = await repo.listNotifications(db, {
        userId,
        unreadOnly: query.unreadOnly ?? false,
        before: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(notificationView),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
        unreadCount: await repo.countUnreadNotifications(db, userId),
      };
    },

    async markNotificationRead(userId: string, notificationId: string): Promise<void> {
      if (!(await repo.notificationExists(db, userId, notificationId))) {
        throw new NotificationNotFoundError();
      }
      await repo.markNotificationsRead(db, { userId, id: notificationId, at: clock.now() });
    },

    async markAllNotificationsRead(userId: string): Promise<void> {
      await repo.markNotificationsRead(db, { userId, at: clock.now() });
    },
  };
}

function cartItemView(item: repo.CartItemRecord) {
  return {
    id: item.id,
    termId: item.termId,
    sectionId: item.sectionId,
    addedAt: item.addedAt.toISOString(),
    section: item.section,
  };
}

export type StudentDesk = ReturnType<typeof createStudentDesk>;

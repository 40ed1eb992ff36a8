// Registration HTTP routes (API.md "Registration"): schema, guard and one service call each.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { requireAuth } from '../../http/auth.ts';
import { ValidationError } from '../../http/errors.ts';
import {
  AuditPage,
  AuditQuery,
  Cart,
  CartItemBody,
  CartItemEnvelope,
  CartItemParams,
  CheckoutBody,
  CheckoutResult,
  HistoryQuery,
  HoldCreate,
  HoldEnvelope,
  HoldLiftQuery,
  HoldList,
  HoldParams,
  NotificationPage,
  NotificationParams,
  NotificationQuery,
  PermitCreate,
  PermitEnvelope,
  PermitList,
  RegisterBody,
  RegistrationCreated,
  RegistrationEnvelope,
  RegistrationIdParams,
  RegistrationList,
  RequiredTermQuery,
  Roster,
  SectionIdParams,
  StaffRegisterBody,
  StudentIdParams,
  StudentRegistrationParams,
  StudentTicket,
  StudentTicketBody,
  SwapBody,
  SwapResult,
  TermIdParams,
  TermQuery,
  TermStudentParams,
  TimeTicket,
  TimeTicketRulesBody,
  TimeTickets,
  ValidateBody,
  ValidateResult,
} from './registration.schemas.ts';
import {
  requestHash,
  type Actor,
  type HttpResult,
  type IdempotencyInput,
  type RegistrationService,
} from './registration.service.ts';
import { createStaffDesk, rosterCsv } from './registration.staff.ts';
import { createStudentDesk } from './registration.student.ts';

const STUDENT = { roles: ['student'] } as const;
const ANY_USER = { roles: [] } as const;
const ADMIN = { roles: ['admin'] } as const;
const STAFF = { roles: ['admin', 'advisor'] } as const;
const TEACHING = { roles: ['admin', 'instructor'] } as const;
// Routes that take or free seats run under admission control (http/admission.ts): a bounded
// number at once per process, a FIFO queue, then 503 with Retry-After.
const STUDENT_SEATS = { ...STUDENT, admission: true } as const;
const STAFF_SEATS = { ...STAFF, admission: true } as const;
// A student's own register, swap, drop and accept check the session in the engine's facts
// statement instead of a query of their own (http/auth.ts PendingSession): one round trip less.
const STUDENT_SEATS_SESSION_IN_FACTS = {
  ...STUDENT_SEATS,
  sessionCheck: 'in-transaction',
} as const;
const tags = ['registration'];

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Retry safely: the same key and body within 24 h returns the first response',
    }),
  ),
});
const NoContent = Type.Null({ description: 'No content' });

export interface RegistrationRoutesOptions {
  deps: AppDeps;
  engine: RegistrationService;
}

function actorOf(request: FastifyRequest): Actor {
  const auth = requireAuth(request);
  return {
    userId: auth.userId,
    roles: auth.roles,
    requestId: request.id,
    session: auth.pendingSession,
  };
}

function idempotencyOf(request: FastifyRequest): IdempotencyInput | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(raw)) {
    throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters.', [
      { code: 'invalid', message: 'is not a valid key', path: 'headers.idempotency-key' },
    ]);
  }
  const path = request.url.split('?')[0] ?? request.url;
  return { key: raw, requestHash: requestHash(request.method, path, request.body ?? null) };
}

function send(reply: FastifyReply, result: HttpResult): FastifyReply {
  if (result.statusCode >= 400) {
    return reply
      .code(result.statusCode)
      .type('application/problem+json; charset=utf-8')
      .send(result.body);
  }
  return reply.code(result.statusCode).send(result.body);
}

const wantsCsv = (request: FastifyRequest): boolean =>
  (request.headers.accept ?? '').toLowerCase().includes('text/csv');

export const registrationRoutes: FastifyPluginAsync<RegistrationRoutesOptions> = async (
  plugin,
  options,
) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { deps, engine } = options;
  const student = createStudentDesk(deps, engine);
  const staff = createStaffDesk(deps, engine);

  // ---------------------------------------------------------------- the student's own

  app.get(
    '/me/registrations',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'My registrations, with wait-list positions and offers',
        querystring: TermQuery,
        response: { 200: RegistrationList },
      },
    },
    async (request) => student.listRegistrations(requireAuth(request).userId, request.query.termId),
  );

  app.post(
    '/me/registrations',
    {
      config: STUDENT_SEATS_SESSION_IN_FACTS,
      schema: {
        tags,
        summary: 'Register for a section (enrolled, or wait-listed when full)',
        description:
          'Refusals are 422 registration_blocked with every blocker in errors[]. withSectionIds takes linked sections (a lecture and its lab) together, all or nothing.',
        headers: IdempotencyHeaders,
        body: RegisterBody,
        response: { 201: RegistrationCreated },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return send(
        reply,
        await student.register(actor, {
          studentId: actor.userId,
          sectionId: request.body.sectionId,
          withSectionIds: request.body.withSectionIds,
          idempotency: idempotencyOf(request),
        }),
      );
    },
  );

  app.get(
    '/me/registrations/history',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'Every attempt and change, refused ones included, newest first',
        querystring: HistoryQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => student.history(requireAuth(request).userId, request.query),
  );

  app.post(
    '/me/registrations/swap',
    {
      config: STUDENT_SEATS_SESSION_IN_FACTS,
      schema: {
        tags,
        summary: 'Drop one registration and add a section atomically',
        description:
          'If the added section is full but its wait-list has room, you join the wait-list and the drop happens when you are promoted ("drop X if I get Y"). A refused add changes nothing (422).',
        headers: IdempotencyHeaders,
        body: SwapBody,
        response: { 200: SwapResult },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return send(
        reply,
        await engine.swapRegistration(actor, {
          studentId: actor.userId,
          dropRegistrationId: request.body.dropRegistrationId,
          addSectionId: request.body.addSectionId,
          idempotency: idempotencyOf(request),
        }),
      );
    },
  );

  app.delete(
    '/me/registrations/:registrationId',
    {
      config: STUDENT_SEATS_SESSION_IN_FACTS,
      schema: {
        tags,
        summary: 'Drop (before the add/drop deadline) or withdraw (before the withdraw deadline)',
        params: RegistrationIdParams,
        response: { 200: RegistrationEnvelope },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        registration: await engine.dropRegistration(actor, {
          studentId: actor.userId,
          registrationId: request.params.registrationId,
          byStaff: false,
        }),
      };
    },
  );

  app.post(
    '/me/registrations/:registrationId/accept',
    {
      config: STUDENT_SEATS_SESSION_IN_FACTS,
      schema: {
        tags,
        summary: 'Accept an offered seat (claim-window wait-lists); 409 offer_expired when late',
        params: RegistrationIdParams,
        response: { 200: RegistrationEnvelope },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        registration: await engine.acceptOffer(actor, {
          studentId: actor.userId,
          registrationId: request.params.registrationId,
        }),
      };
    },
  );

  app.get(
    '/me/time-ticket',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'When my registration opens in a term',
        querystring: RequiredTermQuery,
        response: { 200: TimeTicket },
      },
    },
    async (request) => engine.describeTimeTicket(requireAuth(request).userId, request.query.termId),
  );

  // ---------------------------------------------------------------- cart

  app.get(
    '/me/cart',
    {
      config: STUDENT,
      schema: { tags, summary: 'My cart', querystring: TermQuery, response: { 200: Cart } },
    },
    async (request) => student.listCart(requireAuth(request).userId, request.query.termId),
  );

  app.post(
    '/me/cart/items',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'Add a section to my cart (201; 200 when it is already there)',
        body: CartItemBody,
        response: { 200: CartItemEnvelope, 201: CartItemEnvelope },
      },
    },
    async (request, reply) => {
      const added = await student.addToCart(requireAuth(request).userId, request.body.sectionId);
      return reply.code(added.created ? 201 : 200).send({ item: added.item });
    },
  );

  app.delete(
    '/me/cart/items/:itemId',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'Remove an item from my cart',
        params: CartItemParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await student.removeFromCart(requireAuth(request).userId, request.params.itemId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/me/cart/validate',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'Check every rule for every cart item; changes nothing',
        body: ValidateBody,
        response: { 200: ValidateResult },
      },
    },
    async (request) => student.validateCart(requireAuth(request).userId, request.body.termId),
  );

  app.post(
    '/me/cart/checkout',
    {
      config: STUDENT_SEATS,
      schema: {
        tags,
        summary: 'Register the cart: all or none (atomic), or item by item',
        description:
          'Linked sections in the cart (a lecture and its lab) are always taken together.',
        headers: IdempotencyHeaders,
        body: CheckoutBody,
        response: { 200: CheckoutResult },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return send(
        reply,
        await student.checkout(actor, {
          studentId: actor.userId,
          termId: request.body.termId,
          atomic: request.body.atomic,
          idempotency: idempotencyOf(request),
        }),
      );
    },
  );

  // ---------------------------------------------------------------- notifications

  app.get(
    '/me/notifications',
    {
      config: ANY_USER,
      schema: {
        tags,
        summary: 'My notifications, newest first',
        querystring: NotificationQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => student.listNotifications(requireAuth(request).userId, request.query),
  );

  app.post(
    '/me/notifications/:notificationId/read',
    {
      config: ANY_USER,
      schema: {
        tags,
        summary: 'Mark a notification read',
        params: NotificationParams,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await student.markNotificationRead(
        requireAuth(request).userId,
        request.params.notificationId,
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/me/notifications/read-all',
    {
      config: ANY_USER,
      schema: { tags, summary: 'Mark all my notifications read', response: { 204: NoContent } },
    },
    async (request, reply) => {
      await student.markAllNotificationsRead(requireAuth(request).userId);
      return reply.code(204).send(null);
    },
  );

  // ---------------------------------------------------------------- on a student's behalf

  app.get(
    '/students/:studentId/registrations',
    {
      config: STAFF,
      schema: {
        tags,
        summary: "A student's registrations (admin; advisor for advisees)",
        params: StudentIdParams,
        querystring: TermQuery,
        response: { 200: RegistrationList },
      },
    },
    async (request) =>
      staff.listStudentRegistrations(
        actorOf(request),
        request.params.studentId,
        request.query.termId,
      ),
  );

  app.post(
    '/students/:studentId/registrations',
    {
      config: STAFF_SEATS,
      schema: {
        tags,
        summary: 'Register a student, with overrides (admin; advisor for advisees)',
        description:
          'Advisors may apply prerequisite, corequisite, time_conflict, credit_limit and restriction overrides; administrators any.',
        params: StudentIdParams,
        headers: IdempotencyHeaders,
        body: StaffRegisterBody,
        response: { 201: RegistrationCreated },
      },
    },
    async (request, reply) =>
      send(
        reply,
        await staff.registerOnBehalf(actorOf(request), {
          studentId: request.params.studentId,
          sectionId: request.body.sectionId,
          withSectionIds: request.body.withSectionIds,
          overrides: request.body.overrides,
          idempotency: idempotencyOf(request),
        }),
      ),
  );

  app.delete(
    '/students/:studentId/registrations/:registrationId',
    {
      config: STAFF_SEATS,
      schema: {
        tags,
        summary: 'Drop or withdraw a student (after the withdraw deadline: admin only)',
        params: StudentRegistrationParams,
        response: { 200: RegistrationEnvelope },
      },
    },
    async (request) => ({
      registration: await staff.dropOnBehalf(actorOf(request), request.params),
    }),
  );

  // ---------------------------------------------------------------- holds

  app.get(
    '/students/:studentId/holds',
    {
      config: ANY_USER,
      schema: {
        tags,
        summary: "A student's holds (admin, the student's advisor, the student)",
        params: StudentIdParams,
        response: { 200: HoldList },
      },
    },
    async (request) => staff.listHolds(actorOf(request), request.params.studentId),
  );

  app.post(
    '/students/:studentId/holds',
    {
      config: STAFF,
      schema: {
        tags,
        summary: 'Place a hold (advisors: advising holds on their advisees)',
        params: StudentIdParams,
        body: HoldCreate,
        response: { 201: HoldEnvelope },
      },
    },
    async (request, reply) => {
      const hold = await staff.placeHold(actorOf(request), {
        studentId: request.params.studentId,
        ...request.body,
      });
      return reply.code(201).send({ hold });
    },
  );

  app.delete(
    '/students/:studentId/holds/:holdId',
    {
      config: STAFF,
      schema: {
        tags,
        summary: 'Lift a hold (kept in the record as lifted)',
        params: HoldParams,
        querystring: HoldLiftQuery,
        response: { 200: HoldEnvelope },
      },
    },
    async (request) => ({
      hold: await staff.liftHold(actorOf(request), { ...request.params, note: request.query.note }),
    }),
  );

  // ---------------------------------------------------------------- permits, rosters

  app.post(
    '/sections/:sectionId/permits',
    {
      config: TEACHING,
      schema: {
        tags,
        summary: 'Grant a student a permit for the section (its instructors, admin)',
        description:
          'Instructors may grant capacity, prerequisite, corequisite, time_conflict and restriction; administrators any override.',
        params: SectionIdParams,
        body: PermitCreate,
        response: { 201: PermitEnvelope },
      },
    },
    async (request, reply) => {
      const permit = await staff.grantPermit(actorOf(request), {
        sectionId: request.params.sectionId,
        ...request.body,
      });
      return reply.code(201).send({ permit });
    },
  );

  app.get(
    '/sections/:sectionId/permits',
    {
      config: TEACHING,
      schema: {
        tags,
        summary: "The section's permits",
        params: SectionIdParams,
        response: { 200: PermitList },
      },
    },
    async (request) => staff.listPermits(actorOf(request), request.params.sectionId),
  );

  app.get(
    '/sections/:sectionId/roster',
    {
      config: TEACHING,
      schema: {
        tags,
        summary: 'Enrolled students (JSON, or CSV with Accept: text/csv)',
        params: SectionIdParams,
        response: { 200: Roster },
      },
    },
    async (request, reply) => {
      const roster = await staff.roster(actorOf(request), request.params.sectionId);
      if (!wantsCsv(request)) return roster;
      return (reply as FastifyReply)
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="roster-${roster.code.replace(/\W+/g, '-')}.csv"`,
        )
        .send(rosterCsv(roster.items, false));
    },
  );

  app.get(
    '/sections/:sectionId/waitlist',
    {
      config: TEACHING,
      schema: {
        tags,
        summary: 'Offers and the wait-list in order (JSON, or CSV with Accept: text/csv)',
        params: SectionIdParams,
        response: { 200: Roster },
      },
    },
    async (request, reply) => {
      const list = await staff.waitlist(actorOf(request), request.params.sectionId);
      if (!wantsCsv(request)) return list;
      return (reply as FastifyReply)
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="waitlist-${list.code.replace(/\W+/g, '-')}.csv"`,
        )
        .send(rosterCsv(list.items, true));
    },
  );

  // ---------------------------------------------------------------- time tickets

  app.get(
    '/terms/:termId/time-tickets',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: "The term's time-ticket rules and per-student tickets",
        params: TermIdParams,
        response: { 200: TimeTickets },
      },
    },
    async (request) => staff.listTimeTickets(request.params.termId),
  );

  app.put(
    '/terms/:termId/time-tickets',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Replace the time-ticket rules (earliest matching rule wins)',
        params: TermIdParams,
        body: TimeTicketRulesBody,
        response: { 200: TimeTickets },
      },
    },
    async (request) =>
      staff.replaceTimeTicketRules(actorOf(request), request.params.termId, request.body.rules),
  );

  app.put(
    '/terms/:termId/time-tickets/:studentId',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: "Set (or clear with null) one student's own time ticket",
        params: TermStudentParams,
        body: StudentTicketBody,
        response: { 200: StudentTicket },
      },
    },
    async (request) =>
      staff.setStudentTicket(actorOf(request), {
        ...request.params,
        opensAt: request.body.opensAt,
      }),
  );

  // ---------------------------------------------------------------- audit

  app.get(
    '/audit',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'The registration audit log, newest first, filtered',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => staff.auditLog(request.query),
  );
};

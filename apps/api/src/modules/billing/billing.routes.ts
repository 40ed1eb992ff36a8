// Billing HTTP routes: tuition setup, the student account (ledger, statement), payments, refunds,
// the test provider's checkout page and the Stripe webhook.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { assertAllowed, hasRole, requireAuth } from '../../http/auth.ts';
import { ProblemSchema } from '../../http/errors.ts';
import { TEST_CHECKOUT_PATH } from './billing.providers.ts';
import {
  Account,
  AdjustmentInput,
  BalancesPage,
  BalancesQuery,
  CheckoutParams,
  IdempotencyHeaders,
  LedgerEntryEnvelope,
  LedgerPage,
  LedgerQuery,
  OfflinePaymentInput,
  OnlinePaymentInput,
  PaymentEnvelope,
  PaymentList,
  PaymentParams,
  RefundInput,
  RefundResult,
  Statement,
  StatementQuery,
  StudentParams,
  TermParams,
  TestCheckoutForm,
  TuitionSetup,
  TuitionSetupInput,
  WebhookAck,
  type Statement as StatementBody,
} from './billing.schemas.ts';
import { createBillingService, DAILY_JOB, type BillingService } from './billing.service.ts';
import { statementCsv, statementHtml } from './billing.statement.ts';

const TAGS = ['billing'];
const errors = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};

const StatementResponse = {
  200: {
    description: 'JSON, CSV (format=csv or Accept: text/csv) or a printable page (format=html)',
    content: {
      'application/json': { schema: Statement },
      'text/csv': { schema: Type.String() },
      'text/html': { schema: Type.String() },
    },
  },
  ...errors,
};

function statementFormat(request: FastifyRequest, format: string | undefined): string {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  if (accept.includes('text/csv')) return 'csv';
  if (accept.includes('text/html') && !accept.includes('application/json')) return 'html';
  return 'json';
}

function sendStatement(
  reply: FastifyReply,
  statement: StatementBody,
  format: string,
): FastifyReply | StatementBody {
  const stamp = statement.generatedAt.slice(0, 10);
  if (format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="statement-${statement.student.studentNumber}-${stamp}.csv"`,
      )
      .send(statementCsv(statement));
  }
  if (format === 'html') {
    return reply.type('text/html; charset=utf-8').send(statementHtml(statement));
  }
  return statement;
}

function canSeeStudent(request: FastifyRequest, studentId: string): void {
  const auth = requireAuth(request);
  assertAllowed(auth.userId === studentId || hasRole(auth, 'admin'));
}

export const billingRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (fastify, { deps }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const service: BillingService = createBillingService({
    db: deps.database.db,
    config: deps.config,
    clock: deps.clock,
    mailer: deps.mailer,
    jobs: deps.jobs,
  });

  // Reminders and overdue notices: a daily job that books its own next run. At start the process
  // asks for today's run; a run already done today does nothing.
  deps.jobs.define(DAILY_JOB, () => service.runDailyJob());
  app.addHook('onReady', async () => {
    if (deps.jobs.started) await deps.jobs.send(deps.database.db, DAILY_JOB, {});
  });

  // ---- tuition setup

  app.get(
    '/terms/:termId/tuition',
    {
      config: { roles: [] },
      schema: {
        tags: TAGS,
        summary: "A term's tuition rates, fees, refund schedule and due date",
        params: TermParams,
        response: { 200: TuitionSetup, ...errors },
      },
    },
    async (request) => service.getTuition(request.params.termId),
  );

  app.put(
    '/terms/:termId/tuition',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: "Replace a term's tuition setup (fees are replaced as a whole list)",
        params: TermParams,
        body: TuitionSetupInput,
        response: { 200: TuitionSetup, ...errors },
      },
    },
    async (request) =>
      service.putTuition(request.params.termId, request.body, requireAuth(request).userId),
  );

  // ---- the signed-in student's own account

  app.get(
    '/me/account',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'Balance, amount past due and charges by term',
        response: { 200: Account, ...errors },
      },
    },
    async (request) => service.account(requireAuth(request).userId),
  );

  app.get(
    '/me/ledger',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'Ledger entries, newest first, with the balance after each',
        querystring: LedgerQuery,
        response: { 200: LedgerPage, ...errors },
      },
    },
    async (request) => service.ledger(requireAuth(request).userId, request.query),
  );

  app.get(
    '/me/statement',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'Account statement as JSON, CSV or a printable page',
        querystring: StatementQuery,
        response: StatementResponse,
      },
    },
    async (request, reply) => {
      const statement = await service.statement(requireAuth(request).userId, request.query);
      return sendStatement(reply, statement, statementFormat(request, request.query.format));
    },
  );

  app.get(
    '/me/payments',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'Payments and refunds of the signed-in student',
        response: { 200: PaymentList, ...errors },
      },
    },
    async (request) => service.listPayments(requireAuth(request).userId),
  );

  app.get(
    '/me/payments/:paymentId',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'One payment (poll it after returning from checkout)',
        params: PaymentParams,
        response: { 200: PaymentEnvelope, ...errors },
      },
    },
    async (request) => ({
      payment: await service.getPayment(request.params.paymentId, requireAuth(request).userId),
    }),
  );

  app.post(
    '/me/payments',
    {
      config: { roles: ['student'] },
      schema: {
        tags: TAGS,
        summary: 'Start an online payment; open payment.checkoutUrl to pay',
        description:
          'With Stripe configured, checkoutUrl is a Stripe Checkout page; otherwise a TEST MODE ' +
          'page on this server (a path) where the payment can succeed or be declined. The account ' +
          'is credited when the payment succeeds. Send an Idempotency-Key: a retry with the same ' +
          'key and body returns the same payment; another body is 422 idempotency_key_reused.',
        headers: IdempotencyHeaders,
        body: OnlinePaymentInput,
        response: { 201: PaymentEnvelope, ...errors, 502: ProblemSchema },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const payment = await service.createOnlinePayment(auth.userId, request.body, {
        actorId: auth.userId,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.code(201).send({ payment });
    },
  );

  // ---- staff (and the student themself, read-only)

  app.get(
    '/students/:studentId/account',
    {
      config: { roles: [] },
      schema: {
        tags: TAGS,
        summary: "A student's balance and charges by term (admin or the student)",
        params: StudentParams,
        response: { 200: Account, ...errors },
      },
    },
    async (request) => {
      canSeeStudent(request, request.params.studentId);
      return service.account(request.params.studentId);
    },
  );

  app.get(
    '/students/:studentId/ledger',
    {
      config: { roles: [] },
      schema: {
        tags: TAGS,
        summary: "A student's ledger (admin or the student)",
        params: StudentParams,
        querystring: LedgerQuery,
        response: { 200: LedgerPage, ...errors },
      },
    },
    async (request) => {
      canSeeStudent(request, request.params.studentId);
      return service.ledger(request.params.studentId, request.query);
    },
  );

  app.get(
    '/students/:studentId/statement',
    {
      config: { roles: [] },
      schema: {
        tags: TAGS,
        summary: "A student's statement (admin or the student)",
        params: StudentParams,
        querystring: StatementQuery,
        response: StatementResponse,
      },
    },
    async (request, reply) => {
      canSeeStudent(request, request.params.studentId);
      const statement = await service.statement(request.params.studentId, request.query);
      return sendStatement(reply, statement, statementFormat(request, request.query.format));
    },
  );

  app.get(
    '/students/:studentId/payments',
    {
      config: { roles: [] },
      schema: {
        tags: TAGS,
        summary: "A student's payments and refunds (admin or the student)",
        params: StudentParams,
        response: { 200: PaymentList, ...errors },
      },
    },
    async (request) => {
      canSeeStudent(request, request.params.studentId);
      return service.listPayments(request.params.studentId);
    },
  );

  app.post(
    '/students/:studentId/payments',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Record a payment received offline (cash, check, transfer, card terminal)',
        params: StudentParams,
        headers: IdempotencyHeaders,
        body: OfflinePaymentInput,
        response: { 201: PaymentEnvelope, ...errors },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const payment = await service.recordOfflinePayment(request.params.studentId, request.body, {
        actorId: auth.userId,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.code(201).send({ payment });
    },
  );

  app.post(
    '/students/:studentId/refunds',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: "Refund part or all of a student's credit balance",
        description:
          'method original (default) refunds to the cards the credit was paid with, newest ' +
          'first, through the payment provider, and any rest by check.',
        params: StudentParams,
        headers: IdempotencyHeaders,
        body: RefundInput,
        response: { 201: RefundResult, ...errors },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const refunds = await service.refundCredit(request.params.studentId, request.body, {
        actorId: auth.userId,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.code(201).send({ refunds });
    },
  );

  app.post(
    '/students/:studentId/adjustments',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Post a manual adjustment (positive charges, negative credits)',
        params: StudentParams,
        body: AdjustmentInput,
        response: { 201: LedgerEntryEnvelope, ...errors },
      },
    },
    async (request, reply) => {
      const entry = await service.postAdjustment(
        request.params.studentId,
        request.body,
        requireAuth(request).userId,
      );
      return reply.code(201).send({ entry });
    },
  );

  app.get(
    '/billing/balances',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Students with a balance, by name; pastDue=true for those past due',
        querystring: BalancesQuery,
        response: { 200: BalancesPage, ...errors },
      },
    },
    async (request) => service.balances(request.query),
  );

  // ---- the test provider's checkout page (a capability URL: whoever has it may pay)

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    const prefix = TEST_CHECKOUT_PATH.replace(/^\/api\/v1/, '');
    scope.get(
      `${prefix}/:sessionId`,
      {
        schema: {
          tags: TAGS,
          summary: 'TEST MODE checkout page (only without a Stripe key)',
          params: CheckoutParams,
          response: {
            200: { content: { 'text/html': { schema: Type.String() } } },
            404: ProblemSchema,
          },
        },
      },
      async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(await service.testCheckoutPage(request.params.sessionId)),
    );
    scope.post(
      `${prefix}/:sessionId`,
      {
        schema: {
          tags: TAGS,
          summary: 'TEST MODE checkout outcome: succeed or decline, then back to the account',
          params: CheckoutParams,
          body: TestCheckoutForm,
          response: {
            303: Type.Null({ description: 'Redirect back to the account page with the outcome' }),
            400: ProblemSchema,
            404: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const location = await service.completeTestCheckout(
          request.params.sessionId,
          request.body.outcome,
        );
        return reply.redirect(location, 303);
      },
    );
  });

  // ---- the Stripe webhook: the signature covers the exact bytes, so this route gets them raw

  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: 512 * 1024 },
      (_request, body, done) => {
        done(null, body);
      },
    );
    scope.post(
      '/webhooks/stripe',
      {
        schema: {
          tags: TAGS,
          summary: 'Stripe events (signed); a replayed event id is acknowledged and ignored',
          response: { 200: WebhookAck, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const signature = request.headers['stripe-signature'];
        const result = await service.handleStripeWebhook(
          request.body as Buffer,
          typeof signature === 'string' ? signature : undefined,
        );
        return { received: true, duplicate: result.duplicate };
      },
    );
  });
};

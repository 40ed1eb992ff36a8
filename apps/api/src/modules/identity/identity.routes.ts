// Identity HTTP routes: sign-up, login, tokens, password reset, users and student profiles.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { requireAuth } from '../../http/auth.ts';
import {
  assertCsrfHeader,
  clearSessionCookies,
  cookiePolicyFor,
  readRefreshToken,
  setSessionCookies,
} from './identity.cookies.ts';
import { InvalidRefreshTokenError } from './identity.errors.ts';
import {
  AcceptedSchema,
  CreateUserBodySchema,
  ListUsersQuerySchema,
  LoginBodySchema,
  LogoutBodySchema,
  OutboxPageSchema,
  OutboxQuerySchema,
  PasswordResetConfirmBodySchema,
  PasswordResetRequestBodySchema,
  RefreshBodySchema,
  SessionTokensSchema,
  SignupBodySchema,
  StudentIdParamsSchema,
  StudentProfileSchema,
  TranscriptEntryBodySchema,
  TranscriptEntryEnvelopeSchema,
  TranscriptSchema,
  UpdateMeBodySchema,
  UpdateUserBodySchema,
  UserEnvelopeSchema,
  UserIdParamsSchema,
  UserPageSchema,
  UserSchema,
} from './identity.schemas.ts';
import * as identity from './identity.service.ts';

const NoContent = Type.Null({ description: 'No content' });

/** Refresh and logout may come from a browser with no body at all (the cookie says it all). */
async function treatMissingBodyAsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

export const identityRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (
  app,
  { deps },
) => {
  const ideps: identity.IdentityDeps = {
    db: deps.database.db,
    clock: deps.clock,
    signer: deps.signer,
    mailer: deps.mailer,
    publicUrl: deps.config.publicUrl,
    log: app.log,
  };
  const cookies = cookiePolicyFor(deps.config.publicUrl);

  // Hourly, at minute 17: lapsed sessions, reset links and login-failure counters are deleted.
  deps.jobs.recurring(identity.SIGN_IN_HOUSEKEEPING_JOB, '17 * * * *', async () => {
    const purged = await identity.purgeLapsedSignInRecords(ideps);
    app.log.info({ purged }, 'sign-in housekeeping');
  });

  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign up as a student',
        description:
          'Creates a student account with a new student number. Passwords need 10+ characters and must not be common or contain the email or name.',
        body: SignupBodySchema,
        response: { 201: UserEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const user = await identity.signUp(ideps, request.body);
      return reply.code(201).send({ user });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in by email or username',
        description:
          'Returns tokens and sets the browser session cookies (access_token, refresh_token, csrf). Repeated failures per account or address are refused with 429.',
        body: LoginBodySchema,
        response: { 200: SessionTokensSchema },
      },
    },
    async (request, reply) => {
      const tokens = await identity.logIn(ideps, request.body, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      setSessionCookies(request, reply, tokens, cookies, { newCsrf: true });
      return tokens;
    },
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new token pair',
        description:
          'Each refresh token works once. Presenting a used one revokes its whole session. Without a body token the refresh_token cookie is used, and X-CSRF-Token must match the csrf cookie.',
        body: RefreshBodySchema,
        response: { 200: SessionTokensSchema },
      },
      preValidation: treatMissingBodyAsEmpty,
    },
    async (request, reply) => {
      const { token, viaCookie } = readRefreshToken(request, request.body.refreshToken);
      if (viaCookie) assertCsrfHeader(request);
      try {
        if (!token) throw new InvalidRefreshTokenError();
        const tokens = await identity.refreshSession(ideps, token);
        setSessionCookies(request, reply, tokens, cookies, { newCsrf: false });
        return tokens;
      } catch (error) {
        // A browser holding a dead session should drop it rather than retry forever.
        if (viaCookie) clearSessionCookies(reply, cookies);
        throw error;
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the session',
        description:
          'Revokes the session named by the access token (bearer or cookie) or by a refresh token (body or cookie); its tokens stop working at once. Clears the cookies. Cookie-based calls need X-CSRF-Token.',
        body: LogoutBodySchema,
        response: { 204: NoContent },
      },
      preValidation: treatMissingBodyAsEmpty,
    },
    async (request, reply) => {
      const { token, viaCookie } = readRefreshToken(request, request.body.refreshToken);
      const usesCookies = request.auth ? request.auth.via === 'cookie' : viaCookie;
      if (usesCookies) assertCsrfHeader(request);
      await identity.logOut(ideps, { sessionId: request.auth?.sessionId, refreshToken: token });
      clearSessionCookies(reply, cookies);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { roles: [] },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, with the student profile when there is one',
        response: { 200: UserSchema },
      },
    },
    async (request) => identity.getUser(ideps, requireAuth(request).userId),
  );

  app.patch(
    '/me',
    {
      config: { roles: [] },
      schema: {
        tags: ['auth'],
        summary: 'Change your name or (students) your interests',
        body: UpdateMeBodySchema,
        response: { 200: UserSchema },
      },
    },
    async (request) => identity.updateMe(ideps, requireAuth(request).userId, request.body),
  );

  app.post(
    '/auth/password-reset/request',
    {
      schema: {
        tags: ['auth'],
        summary: 'Mail a password reset link',
        description:
          'Always 202, whether or not the address has an account. The link is valid for 30 minutes and works once.',
        body: PasswordResetRequestBodySchema,
        response: { 202: AcceptedSchema },
      },
    },
    async (request, reply) => {
      await identity.requestPasswordReset(ideps, request.body.email);
      return reply.code(202).send({
        status: 'accepted' as const,
        detail: 'If an account uses this address, a reset link is on its way.',
      });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset token',
        description: 'The password policy applies. Every session of the account is ended.',
        body: PasswordResetConfirmBodySchema,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await identity.confirmPasswordReset(ideps, request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'Create an account',
        description:
          'Without a password the person is mailed a link to set one (valid 72 hours). Users with the student role get a student record.',
        body: CreateUserBodySchema,
        response: { 201: UserEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const user = await identity.createUser(ideps, request.body);
      return reply.code(201).send({ user });
    },
  );

  app.get(
    '/users',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'List accounts by name, optionally by role or matching text',
        querystring: ListUsersQuerySchema,
        response: { 200: UserPageSchema },
      },
    },
    async (request) => identity.listUsers(ideps, request.query),
  );

  app.get(
    '/users/:userId',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'One account',
        params: UserIdParamsSchema,
        response: { 200: UserSchema },
      },
    },
    async (request) => identity.getUser(ideps, request.params.userId),
  );

  app.patch(
    '/users/:userId',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['users'],
        summary: 'Change an account',
        description:
          'Roles, name, email, username, disabled, and student fields. Disabling ends every session at once; the last active administrator cannot be demoted or disabled (409 last_admin).',
        params: UserIdParamsSchema,
        body: UpdateUserBodySchema,
        response: { 200: UserSchema },
      },
    },
    async (request) => identity.updateUser(ideps, request.params.userId, request.body),
  );

  app.get(
    '/students/:studentId',
    {
      config: { roles: [] },
      schema: {
        tags: ['students'],
        summary: 'A student profile with its holds summary',
        description: 'For admins, the student themself, and the student’s advisor.',
        params: StudentIdParamsSchema,
        response: { 200: StudentProfileSchema },
      },
    },
    async (request) =>
      identity.getStudentProfile(ideps, requireAuth(request), request.params.studentId),
  );

  app.get(
    '/students/:studentId/transcript',
    {
      config: { roles: [] },
      schema: {
        tags: ['students'],
        summary: 'A student’s transcript',
        description: 'For admins, the student themself, and the student’s advisor.',
        params: StudentIdParamsSchema,
        response: { 200: TranscriptSchema },
      },
    },
    async (request) =>
      identity.getTranscript(ideps, requireAuth(request), request.params.studentId),
  );

  app.post(
    '/students/:studentId/transcript',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['students'],
        summary: 'Record a completed course',
        description:
          'Passing grades (A+ to D-, P, S, CR) add the credits to credits earned and update an undergraduate’s class standing.',
        params: StudentIdParamsSchema,
        body: TranscriptEntryBodySchema,
        response: { 201: TranscriptEntryEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const result = await identity.addTranscriptEntry(
        ideps,
        request.params.studentId,
        request.body,
      );
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/admin/outbox',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['admin'],
        summary: 'Outgoing mail, newest first',
        description:
          'Every message the system sent or queued. Without SMTP_URL this is where mail stays.',
        querystring: OutboxQuerySchema,
        response: { 200: OutboxPageSchema },
      },
    },
    async (request) => identity.listOutbox(ideps, request.query),
  );
};

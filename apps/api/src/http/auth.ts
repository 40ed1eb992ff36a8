// Authentication (bearer token or cookie + CSRF) and role guards shared by every route.
import { timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Role } from '../db/tables/identity.ts';
import { findLiveSessionRoles } from '../modules/identity/identity.repo.ts';
import type { TokenSigner } from '../modules/identity/identity.tokens.ts';
import { AppError, buildProblem, ForbiddenError, UnauthenticatedError } from './errors.ts';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * A session the guard has not looked up yet (routes with `sessionCheck: 'in-transaction'`): the
 * handler's first statement checks it alongside its own facts, saving the registration rush a
 * round trip per request. Until `confirmed`, nothing may be written on its behalf.
 */
export class PendingSession {
  readonly sessionId: string;
  readonly userId: string;
  /** The route's role the token claims; the check requires the user to still hold it. */
  readonly role: Role;
  #confirmed = false;
  /** The late check (registerAuth's onSend) ran: it must not run twice. */
  lateChecked = false;

  constructor(sessionId: string, userId: string, role: Role) {
    this.sessionId = sessionId;
    this.userId = userId;
    this.role = role;
  }

  get confirmed(): boolean {
    return this.#confirmed;
  }

  /** The handler's statement found the session live (or not: 401, and its transaction rolls back). */
  confirm(live: boolean): void {
    if (!live) {
      // The 401 thrown here is the answer: the late check has nothing left to decide.
      this.lateChecked = true;
      throw new UnauthenticatedError();
    }
    this.#confirmed = true;
  }
}

export interface AuthContext {
  userId: string;
  sessionId: string;
  roles: readonly Role[];
  /** Cookie-authenticated requests must prove CSRF on mutation. */
  via: 'bearer' | 'cookie';
  /** Set when the session is checked by the handler's own statement (see PendingSession). */
  pendingSession?: PendingSession | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; [] means any signed-in user; absent means public. */
    roles?: readonly Role[];
    /**
     * 'in-transaction': the guard verifies the token and its roles only, and the handler's first
     * statement checks the session (PendingSession). Only for handlers whose every write follows
     * that statement; any answer sent without it is checked here before it leaves.
     */
    sessionCheck?: 'in-transaction';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readBearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

function readToken(
  request: FastifyRequest,
): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const bearer = readBearer(request);
  if (bearer) return { token: bearer, via: 'bearer' };
  const cookie = request.cookies[ACCESS_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/**
 * For a route that checks the session in its own transaction: the token's claims, with the
 * session left pending, when the token is valid and claims one of the route's roles. Undefined
 * sends the request through the full check instead (which answers 401 or 403 as usual).
 */
async function deferSessionCheck(
  request: FastifyRequest,
  roles: readonly Role[],
  signer: TokenSigner,
): Promise<AuthContext | undefined> {
  const found = readToken(request);
  if (!found) return undefined;
  const claims = await signer.verifyAccessToken(found.token);
  const role = claims && roles.find((r) => claims.roles.includes(r));
  if (!claims || !role) return undefined;
  return {
    userId: claims.userId,
    sessionId: claims.sessionId,
    roles: claims.roles,
    via: found.via,
    pendingSession: new PendingSession(claims.sessionId, claims.userId, role),
  };
}

/**
 * Verifies the access token and that its session is still live, so logout takes effect at once
 * (a JWT alone would stay valid until it expires).
 */
async function resolveAuth(
  request: FastifyRequest,
  db: Kysely<DB>,
  signer: TokenSigner,
): Promise<AuthContext | undefined> {
  const bearer = readBearer(request);
  const cookieToken = request.cookies[ACCESS_COOKIE];
  const token = bearer ?? cookieToken;
  if (!token) return undefined;
  const claims = await signer.verifyAccessToken(token);
  if (!claims) return undefined;
  const roles = await findLiveSessionRoles(db, claims.sessionId, claims.userId, new Date());
  if (!roles) return undefined;
  // Roles come from the database so that a role change applies without a new login.
  return {
    userId: claims.userId,
    sessionId: claims.sessionId,
    roles,
    via: bearer ? 'bearer' : 'cookie',
  };
}

function assertCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const cookie = request.cookies[CSRF_COOKIE];
  const header = request.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string' || !constantTimeEqual(cookie, header)) {
    throw new AppError(
      403,
      'csrf_failed',
      'Missing or wrong CSRF token: send the csrf cookie value in X-CSRF-Token.',
    );
  }
}

export function registerAuth(
  app: FastifyInstance,
  deps: { db: Kysely<DB>; signer: TokenSigner },
): void {
  app.decorateRequest('auth', undefined);
  // Routes declare `config.roles`; the guard runs before validation so anonymous callers learn
  // nothing about a route's body schema.
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const roles = request.routeOptions.config.roles;
    if (roles === undefined) {
      // Public route: still attach the user when a valid token is present (e.g. logout, refresh).
      request.auth = await resolveAuth(request, deps.db, deps.signer);
      return;
    }
    const deferred =
      request.routeOptions.config.sessionCheck === 'in-transaction' && roles.length > 0
        ? await deferSessionCheck(request, roles, deps.signer)
        : undefined;
    const auth = deferred ?? (await resolveAuth(request, deps.db, deps.signer));
    if (!auth) throw new UnauthenticatedError();
    if (auth.via === 'cookie') assertCsrf(request);
    if (roles.length > 0 && !roles.some((role) => auth.roles.includes(role)))
      throw new ForbiddenError();
    request.auth = auth;
  });
  // The safety net of 'in-transaction' routes: an answer given without the handler's statement
  // having checked the session (a request refused before it) is checked now, and replaced by a
  // 401 if the session is gone. Writes never happen unchecked: they follow that statement.
  app.addHook('onSend', async (request, reply, payload) => {
    const pending = request.auth?.pendingSession;
    if (!pending || pending.confirmed || pending.lateChecked) return payload;
    pending.lateChecked = true;
    const roles = await findLiveSessionRoles(
      deps.db,
      pending.sessionId,
      pending.userId,
      new Date(),
    );
    if (roles?.includes(pending.role)) return payload;
    // Too late to throw (the answer is being sent): replace it with the guard's own 401.
    const refusal = new UnauthenticatedError();
    void reply
      .code(refusal.status)
      .type('application/problem+json; charset=utf-8')
      .removeHeader('content-length');
    return JSON.stringify(buildProblem(request, refusal.status, refusal.code, refusal.message));
  });
}

/** The signed-in user; only for routes whose `config.roles` guarantees one. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new UnauthenticatedError();
  return request.auth;
}

export function hasRole(auth: AuthContext, role: Role): boolean {
  return auth.roles.includes(role);
}

/** Guard for rules that depend on the record, e.g. "the student themself or an admin". */
export function assertAllowed(allowed: boolean): void {
  if (!allowed) throw new ForbiddenError();
}

export type { preHandlerAsyncHookHandler };

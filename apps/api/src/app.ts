// buildApp wires plugins, cross-cutting hooks and feature modules; tests build it the same way.
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import FindMyWay from 'find-my-way';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { applySecurityHeaders, computeSecurityHeaders } from './http/security-headers.ts';
import { registerAuth } from './http/auth.ts';
import {
  OverloadedError,
  ProblemSchema,
  RateLimitedError,
  buildProblem,
  registerErrorHandling,
  sendProblem,
} from './http/errors.ts';
import { createMetrics } from './http/metrics.ts';
import { registerAdmission } from './http/admission.ts';
import { registerOperationsRoutes } from './http/operations.routes.ts';
import type { JobQueue } from './jobs/boss.ts';
import { newId } from './lib/ids.ts';
import { createTokenSigner, type TokenSigner } from './modules/identity/identity.tokens.ts';
import { identityRoutes } from './modules/identity/identity.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { billingRoutes } from './modules/billing/billing.routes.ts';
import { interopRoutes } from './modules/interop/interop.routes.ts';
import { createMailer, type Mailer } from './lib/mailer.ts';
import { createLiveHub, type LiveHub } from './modules/registration/registration.live.ts';
import { liveRoutes } from './modules/registration/registration.live.routes.ts';
import { calendarRoutes } from './modules/registration/registration.calendar.routes.ts';
import { createRegistrationService } from './modules/registration/registration.service.ts';
import { registrationRoutes } from './modules/registration/registration.routes.ts';
import { systemClock, type Clock } from './lib/clock.ts';

export type App = FastifyInstance & { withTypeProvider(): FastifyInstance };

/** Everything a feature module may use; built once per process (or per test). */
export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  readonly jobs: JobQueue;
  readonly mailer: Mailer;
  readonly signer: TokenSigner;
  readonly clock: Clock;
  /** Live seat counts and notification pings across processes (report changes after commit). */
  readonly live: LiveHub;
}

export interface BuildAppOptions {
  config: Config;
  database: Database;
  jobs: JobQueue;
  clock?: Clock;
  /** Tests silence the logger; the server logs JSON at config.logLevel. */
  logger?: boolean;
  /** Load-shedding thresholds (0 turns a check off); tests lower them to provoke a 503. */
  underPressure?: UnderPressureLimits;
  /** Requests per window allowed to one user (or one address when anonymous). */
  rateLimit?: { max: number; timeWindowMs: number };
}

export interface UnderPressureLimits {
  /** Mean event-loop delay in ms over a sample interval. */
  maxEventLoopDelay: number;
  /** Share (0–1) of the last sample interval the event loop was busy. */
  maxEventLoopUtilization: number;
  maxHeapUsedBytes: number;
  sampleIntervalMs: number;
}

/** LOAD_SHEDDING=false: every check off. */
export const NO_LOAD_SHEDDING: UnderPressureLimits = {
  maxEventLoopDelay: 0,
  maxEventLoopUtilization: 0,
  maxHeapUsedBytes: 0,
  sampleIntervalMs: 1000,
};

/**
 * Shed load when the event loop lags by a second on average, or (on PostgreSQL) is busy 98% of a
 * second. Embedded PGlite runs its queries on the event loop, so there a busy loop only means a
 * busy database and the delay is the signal.
 */
export function defaultUnderPressure(kind: Database['kind']): UnderPressureLimits {
  return {
    maxEventLoopDelay: 1000,
    maxEventLoopUtilization: kind === 'postgres' ? 0.98 : 0,
    maxHeapUsedBytes: 0,
    sampleIntervalMs: 1000,
  };
}
export const DEFAULT_RATE_LIMIT = { max: 600, timeWindowMs: 60_000 };

const BODY_LIMIT_BYTES = 1024 * 1024;
const API_VERSION = '0.1.0';
const OVERLOAD_RETRY_AFTER_SECONDS = 5;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, database, jobs } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : newId();
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: true,
      },
    },
    // Requests arriving during shutdown get a problem+json 503 from the hook below instead.
    return503OnClosing: false,
    // Idle keep-alive sockets close at once; requests in flight finish first.
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // A keep-alive socket would hold a closing server open after its last response.
    if (closing) void reply.header('connection', 'close');
  });
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new OverloadedError(
        OVERLOAD_RETRY_AFTER_SECONDS,
        'The server is restarting. Try again in a few seconds.',
      );
    }
  });

  const deps: AppDeps = {
    config,
    database,
    jobs,
    clock,
    mailer: createMailer({ db: database.db, config }),
    signer: createTokenSigner(config.jwtSecret),
    live: createLiveHub({ database, logger: app.log }),
  };
  app.decorate('live', deps.live);
  app.addHook('onClose', async () => {
    await deps.live.stop();
  });

  registerErrorHandling(app);
  const serveWebApp = existsSync(config.webDistDir);
  registerNotFound(app, serveWebApp);

  const securityHeaders = computeSecurityHeaders({
    // The web app loads only its own assets; the docs UI needs inline styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    applySecurityHeaders(reply.raw, securityHeaders);
    done();
  });
  await app.register(cors, {
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  await app.register(cookie, { secret: config.cookieSecret });
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  await app.register(rateLimit, {
    global: true,
    max: limit.max,
    timeWindow: limit.timeWindowMs,
    // Signed-in users are limited per account, anonymous callers per address. The limiter runs as
    // a route hook, after the auth hook has resolved request.auth.
    keyGenerator: (request) => request.auth?.userId ?? request.ip,
    allowList: (request) =>
      request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics',
    errorResponseBuilder: (_request, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new RateLimitedError(retryAfter, `Too many requests. Try again in ${retryAfter} s.`);
    },
  });
  const pressure =
    options.underPressure ??
    (config.loadShedding ? defaultUnderPressure(database.kind) : NO_LOAD_SHEDDING);
  // Start-up (schema compilation, pg-boss, a first seed) keeps the loop busy; samples taken then
  // say nothing about load, so shedding starts two sample intervals after the app is ready.
  let sheddingFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    sheddingFrom = Date.now() + 2 * pressure.sampleIntervalMs;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: pressure.maxEventLoopDelay,
    maxEventLoopUtilization: pressure.maxEventLoopUtilization,
    maxHeapUsedBytes: pressure.maxHeapUsedBytes,
    sampleInterval: pressure.sampleIntervalMs,
    // The last interval, not the average since start: a busy start-up must not shed later load.
    eventLoopUtilizationMode: 'interval',
    exposeStatusRoute: false,
    // Rejecting hands the error to the problem+json handler and stops the request's other hooks.
    pressureHandler: async (request, _reply, type, value) => {
      if (Date.now() < sheddingFrom) return;
      // Seat-changing routes have their own admission control (http/admission.ts): a bounded,
      // queued number at once, shed by queue length and wait, not by how busy the CPU is.
      if (request.routeOptions.config.admission === true) return;
      request.log.warn({ type, value }, 'shedding load');
      throw new OverloadedError(
        OVERLOAD_RETRY_AFTER_SECONDS,
        'The service is under heavy load. Try again in a few seconds.',
      );
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OpenRegistrar API',
        version: API_VERSION,
        description: 'Course registration and student portal. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'access_token' },
        },
      },
    },
    // Every guarded route is documented as such, so the document says who may call what, and
    // every operation documents its problem+json errors.
    transform: ({ schema, url, route }) => {
      const roles = route.config?.roles;
      const transformed = { ...(schema ?? {}) } as Record<string, unknown>;
      const responses = { ...((transformed.response ?? {}) as Record<string, unknown>) };
      if (roles !== undefined) {
        transformed.security = [{ bearerAuth: [] }, { cookieAuth: [] }];
        transformed['x-roles'] = [...roles];
        responses['401'] ??= problemResponse('Not signed in, or the session has ended.');
        if (roles.length > 0) responses['403'] ??= problemResponse('The role does not allow this.');
      }
      responses.default ??= problemResponse('An error, as RFC 9457 problem+json.');
      transformed.response = responses;
      return { schema: transformed, url };
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const metrics = createMetrics();
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request, reply);
  });
  // Registration-changing routes run at most one per pooled connection; the rest queue, then 503.
  // A waiting user's place in line goes to their live streams in this process.
  registerAdmission(app, {
    limits: {
      maxInFlight: database.maxConnections,
      maxQueue: config.admissionQueueLimit,
      maxWaitMs: config.admissionMaxWaitMs,
    },
    registry: metrics.registry,
    observer: deps.live.queue,
    userOf: (request) => request.auth?.userId,
  });

  registerAuth(app, { db: database.db, signer: deps.signer });
  registerOperationsRoutes(app, { database, metrics });

  await app.register(identityRoutes, { prefix: '/api/v1', deps });
  // The registration engine reacts to cancellations and capacity changes in the catalog's own
  // transaction, and declares its jobs before the queue starts.
  const registration = createRegistrationService(deps);
  registration.defineJobs();
  await app.register(catalogRoutes, {
    prefix: '/api/v1',
    deps,
    sectionHooks: registration.sectionHooks,
  });
  await app.register(registrationRoutes, { prefix: '/api/v1', deps, engine: registration });
  await app.register(liveRoutes, { prefix: '/api/v1', deps });
  await app.register(calendarRoutes, { prefix: '/api/v1', deps });
  await app.register(billingRoutes, { prefix: '/api/v1', deps });
  await app.register(interopRoutes, {
    prefix: '/api/v1',
    deps,
    sectionHooks: registration.sectionHooks,
  });

  if (serveWebApp) {
    await app.register(fastifyStatic, {
      root: config.webDistDir,
      wildcard: false,
      index: ['index.html'],
    });
  }
  return app;
}

function problemResponse(description: string): Record<string, unknown> {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

/**
 * Fastify answers 404 for a known path with the wrong method; clients deserve 405 and an Allow
 * header. A shadow router records every route so the not-found handler can tell the two apart.
 * The web app routes on the client, so other browser GETs outside /api get its index.html.
 */
function registerNotFound(app: FastifyInstance, serveWebApp: boolean): void {
  const shadow = FindMyWay();
  const noop = (): void => undefined;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      try {
        shadow.on(method as 'GET', route.url, noop);
      } catch {
        // A duplicate registration (e.g. GET with HEAD) is harmless here.
      }
    }
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (method) => method !== request.method && shadow.find(method, path) !== null,
    );
    if (
      serveWebApp &&
      request.method === 'GET' &&
      !path.startsWith('/api/') &&
      (request.headers.accept ?? '').includes('text/html')
    ) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        buildProblem(
          request,
          405,
          'method_not_allowed',
          `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}.`,
        ),
      );
    }
    return sendProblem(
      reply,
      buildProblem(request, 404, 'not_found', `No route for ${request.method} ${path}.`),
    );
  });
}

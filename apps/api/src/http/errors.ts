// One error model: domain errors extend AppError; one handler turns everything into problem+json.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

export interface ProblemItem {
  code: string;
  message: string;
  path?: string;
  sectionId?: string;
  [extra: string]: unknown;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: ProblemItem[];
  [extra: string]: unknown;
}

/** The problem+json body, for response schemas and the OpenAPI document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable snake_case error code' }),
    requestId: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            code: Type.String(),
            message: Type.String(),
            path: Type.Optional(Type.String()),
            sectionId: Type.Optional(Type.String()),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { additionalProperties: true },
);

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: ProblemItem[] | undefined;
  /** Seconds, sent as Retry-After (429, 503). */
  readonly retryAfter: number | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: {
      errors?: ProblemItem[];
      retryAfter?: number;
      extra?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
    this.extra = options.extra;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: ProblemItem[] = []) {
    super(400, 'validation_failed', message, { errors });
  }
}
export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in to continue.', code = 'unauthenticated') {
    super(401, code, message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this.') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} was not found.`);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, message: string, extra?: Record<string, unknown>) {
    super(409, code, message, extra ? { extra } : {});
  }
}
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts. Try again later.') {
    super(429, 'rate_limited', message, { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}
export class OverloadedError extends AppError {
  constructor(retryAfterSeconds: number, message = 'The service is busy. Try again shortly.') {
    super(503, 'overloaded', message, { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

function problemType(code: string): string {
  return `https://openregistrar.dev/problems/${code.replace(/_/g, '-')}`;
}

export function buildProblem(
  request: FastifyRequest,
  status: number,
  code: string,
  detail: string,
  errors?: ProblemItem[],
  extra?: Record<string, unknown>,
): ProblemBody {
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    requestId: request.id,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extra,
  };
}

export function sendProblem(
  reply: FastifyReply,
  body: ProblemBody,
  retryAfter?: number,
): FastifyReply {
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns Fastify/Ajv validation output into `errors[]` with a JSON-pointer-like path per field. */
function validationItems(error: FastifyError): ProblemItem[] {
  const context =
    (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const list = (error.validation ?? []) as AjvError[];
  return list.map((v) => {
    let field = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
      field = field ? `${field}.${v.params.missingProperty}` : v.params.missingProperty;
    }
    if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
      field = field ? `${field}.${v.params.additionalProperty}` : v.params.additionalProperty;
    }
    return {
      code: v.keyword === 'required' ? 'required' : 'invalid',
      message: v.message ?? 'is invalid',
      path: field ? `${context}.${field}` : context,
    };
  });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return sendProblem(
        reply,
        buildProblem(request, error.status, error.code, error.message, error.errors, error.extra),
        error.retryAfter,
      );
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const items = validationItems(fastifyError);
      return sendProblem(
        reply,
        buildProblem(
          request,
          400,
          'validation_failed',
          'Some fields are missing or invalid.',
          items,
        ),
      );
    }
    const status = fastifyError.statusCode ?? 500;
    if (status === 429) {
      const retryAfter = Number(reply.getHeader('retry-after')) || 1;
      return sendProblem(
        reply,
        buildProblem(request, 429, 'rate_limited', 'Too many requests. Slow down and try again.'),
        retryAfter,
      );
    }
    if (status === 503) {
      return sendProblem(
        reply,
        buildProblem(request, 503, 'overloaded', 'The service is busy. Try again shortly.'),
        5,
      );
    }
    if (status >= 400 && status < 500) {
      const code =
        fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported_media_type'
          : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'body_too_large'
            : status === 400
              ? 'malformed_request'
              : status === 404
                ? 'not_found'
                : status === 405
                  ? 'method_not_allowed'
                  : 'bad_request';
      // Client errors from the framework (bad JSON, oversize body) are safe to describe.
      return sendProblem(reply, buildProblem(request, status, code, fastifyError.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      reply,
      buildProblem(
        request,
        500,
        'internal_error',
        'Something went wrong on our side. The request ID identifies it in our logs.',
      ),
    );
  });
}

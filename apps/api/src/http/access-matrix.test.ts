// The access-control matrix: every operation in the OpenAPI document, called as anonymous,
// student, instructor, advisor and admin, must answer as its `x-roles` say. Modules added later
// are covered without touching this file; record-scoped routes are listed below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../db/tables/identity.ts';
import { newId } from '../lib/ids.ts';
import { signedInAs, createUserWithRole, type TestUser } from '../test/auth-helpers.ts';
import { createTestApp } from '../test/test-app.ts';

type Persona = 'anonymous' | Role;
const PERSONAS: readonly Persona[] = ['anonymous', 'student', 'instructor', 'advisor', 'admin'];

interface Operation {
  method: string;
  path: string;
  roles: readonly Role[] | undefined;
  hasBody: boolean;
  streams: boolean;
}

interface OpenApiOperation {
  'x-roles'?: Role[];
  requestBody?: unknown;
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/**
 * Operations whose role guard admits a role but whose service then decides by the record: the
 * student themself or their advisor, a section's own instructors. For these an allowed role may
 * still get 403 (or 404) for a record that is not theirs, and an outsider must never get it.
 */
const RECORD_SCOPED: Readonly<Record<string, 'student' | 'section'>> = {
  'GET /api/v1/students/{studentId}': 'student',
  'GET /api/v1/students/{studentId}/transcript': 'student',
  'GET /api/v1/students/{studentId}/registrations': 'student',
  'POST /api/v1/students/{studentId}/registrations': 'student',
  'DELETE /api/v1/students/{studentId}/registrations/{registrationId}': 'student',
  'GET /api/v1/students/{studentId}/holds': 'student',
  'POST /api/v1/students/{studentId}/holds': 'student',
  'DELETE /api/v1/students/{studentId}/holds/{holdId}': 'student',
  'GET /api/v1/students/{studentId}/account': 'student',
  'GET /api/v1/students/{studentId}/ledger': 'student',
  'GET /api/v1/students/{studentId}/statement': 'student',
  'GET /api/v1/students/{studentId}/payments': 'student',
  'GET /api/v1/sections/{sectionId}/permits': 'section',
  'POST /api/v1/sections/{sectionId}/permits': 'section',
  'GET /api/v1/sections/{sectionId}/roster': 'section',
  'GET /api/v1/sections/{sectionId}/waitlist': 'section',
};

// One app for the whole file; the matrix sends several requests per operation from one address.
const t = await createTestApp({ rateLimit: { max: 1_000_000, timeWindowMs: 60_000 } });
const documentResponse = await t.app.inject({ method: 'GET', url: '/openapi.json' });
const document = documentResponse.json<{
  paths: Record<string, Record<string, OpenApiOperation>>;
}>();
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      roles: op['x-roles'],
      hasBody: op.requestBody !== undefined,
      streams: Object.values(op.responses ?? {}).some(
        (r) => r.content?.['text/event-stream'] !== undefined,
      ),
    })),
);
const guarded = operations.filter((op) => op.roles !== undefined);
const key = (op: Operation): string => `${op.method} ${op.path}`;

const headers: Partial<Record<Persona, Record<string, string>>> = {};
let baseUrl = '';

type Outcome = 'unauthenticated' | 'forbidden' | 'refused' | 'ok' | 'server_error';

function classify(status: number): Outcome {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'refused';
  return 'ok';
}

function fillPath(path: string, values: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? newId());
}

async function call(
  op: Operation,
  persona: Persona,
  pathValues: Record<string, string> = {},
): Promise<{ status: number; contentType: string; body: string }> {
  const url = fillPath(op.path, pathValues);
  const requestHeaders: Record<string, string> = { ...(headers[persona] ?? {}) };
  if (op.streams) {
    // An event stream never ends by itself: read the status, then hang up.
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}${url}`, {
      method: op.method,
      headers: requestHeaders,
      signal: controller.signal,
    });
    const body = res.status === 200 ? '' : await res.text();
    controller.abort();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  }
  const res = await t.app.inject({
    method: op.method as 'GET',
    url,
    headers: requestHeaders,
    ...(op.hasBody ? { payload: {} } : {}),
  });
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    body: res.body,
  };
}

function expectedOutcomes(op: Operation, persona: Persona): readonly Outcome[] {
  const roles = op.roles!;
  if (persona === 'anonymous') return ['unauthenticated'];
  const allowed = roles.length === 0 || roles.includes(persona);
  if (!allowed) return ['forbidden'];
  // Dummy bodies and random IDs: validation and not-found answers are fine, a guard refusal is not.
  if (RECORD_SCOPED[key(op)] && persona !== 'admin') return ['forbidden', 'refused'];
  return ['ok', 'refused'];
}

beforeAll(async () => {
  for (const persona of PERSONAS) {
    if (persona === 'anonymous') continue;
    headers[persona] = (await signedInAs(t, persona)).headers;
  }
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
});

describe('access-control matrix', () => {
  it('finds the guarded operations in the OpenAPI document', () => {
    expect(documentResponse.statusCode).toBe(200);
    expect(guarded.map(key)).toEqual(
      expect.arrayContaining(['GET /api/v1/me', 'GET /api/v1/users', 'POST /api/v1/users']),
    );
  });

  it.each(guarded.map((op) => [key(op), op] as const))('%s', async (_name, op) => {
    const mismatches: string[] = [];
    for (const persona of PERSONAS) {
      const res = await call(op, persona);
      const outcome = classify(res.status);
      const expected = expectedOutcomes(op, persona);
      if (!expected.includes(outcome)) {
        mismatches.push(
          `${persona}: got ${res.status} (${outcome}), expected ${expected.join(' or ')} ` +
            res.body.slice(0, 200),
        );
      }
      if (outcome === 'unauthenticated' || outcome === 'forbidden') {
        if (!res.contentType.startsWith('application/problem+json'))
          mismatches.push(`${persona}: ${res.status} is not problem+json`);
        else if (!(JSON.parse(res.body) as { requestId?: string }).requestId)
          mismatches.push(`${persona}: ${res.status} has no requestId`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('record-scoped operations', () => {
  // Records that belong to someone other than the matrix personas.
  let owner: TestUser;
  let sectionId: string;

  beforeAll(async () => {
    const ownAdvisor = await createUserWithRole(t, 'advisor');
    owner = await createUserWithRole(t, 'student', { student: { advisorId: ownAdvisor.id } });
    const ownInstructor = await createUserWithRole(t, 'instructor');
    const admin = headers.admin!;
    const post = async (url: string, payload: object): Promise<{ id?: string }> => {
      const res = await t.app.inject({ method: 'POST', url, headers: admin, payload });
      if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id?: string }>();
    };
    await post('/api/v1/subjects', { code: 'ACM', name: 'Access Control Matrix' });
    const term = await post('/api/v1/terms', {
      code: 'ACM2026',
      name: 'Matrix term',
      timeZone: 'America/Chicago',
      startsOn: '2026-08-24',
      endsOn: '2026-12-11',
      registrationOpensAt: '2026-04-01T09:00:00-05:00',
      registrationClosesAt: '2026-09-01T23:59:00-05:00',
      addDropDeadline: '2026-09-04T23:59:00-05:00',
      withdrawDeadline: '2026-11-01T23:59:00-05:00',
    });
    const course = await post('/api/v1/courses', {
      subject: 'ACM',
      number: '101',
      title: 'Guards and records',
      credits: { min: 3 },
    });
    const section = await post('/api/v1/sections', {
      termId: term.id,
      courseId: course.id,
      sectionCode: 'A1',
      capacity: 10,
      instructors: [{ userId: ownInstructor.id }],
    });
    sectionId = section.id!;
  });

  const present = (): Operation[] => guarded.filter((op) => RECORD_SCOPED[key(op)]);

  it('lists only operations that exist and admit a role other than admin', () => {
    for (const op of present()) {
      expect(op.roles!.length === 0 || op.roles!.some((r) => r !== 'admin'), key(op)).toBe(true);
    }
  });

  it('never gives a record to a signed-in outsider, and gives it to an admin', async () => {
    const mismatches: string[] = [];
    for (const op of present()) {
      const values: Record<string, string> =
        RECORD_SCOPED[key(op)] === 'student' ? { studentId: owner.id } : { sectionId };
      for (const persona of ['student', 'instructor', 'advisor'] as const) {
        const res = await call(op, persona, values);
        const outcome = classify(res.status);
        // A mutation may fail validation on the dummy body first; it still must not succeed.
        const acceptable: Outcome[] =
          op.method === 'GET' ? ['forbidden'] : ['forbidden', 'refused'];
        if (!acceptable.includes(outcome) && res.status !== 404)
          mismatches.push(
            `${key(op)} as outsider ${persona}: ${res.status} ${res.body.slice(0, 200)}`,
          );
      }
      if (op.method === 'GET') {
        const res = await call(op, 'admin', values);
        if (classify(res.status) !== 'ok')
          mismatches.push(`${key(op)} as admin: ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

// Every error a client can meet is RFC 9457 problem+json carrying the request's ID.
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/test-app.ts';
import { ConflictError, type ProblemBody } from './errors.ts';

/** Probe routes with a body schema, so the framework's own errors can be provoked. */
function addProbeRoutes(app: FastifyInstance): void {
  app.post(
    '/probe/people',
    {
      schema: {
        body: Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            age: Type.Integer({ minimum: 0 }),
            email: Type.String({ minLength: 3 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (_request, reply) => reply.code(201).send({ ok: true }),
  );
  app.get('/probe/crash', async () => {
    throw new Error('relation "secret_table" does not exist at character 42');
  });
  app.get('/probe/conflict', async () => {
    throw new ConflictError('seat_taken', 'Someone took the seat first.', { sectionId: 'abc' });
  });
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json<ProblemBody>();
  expect(body).toMatchObject({ status, code });
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.requestId).toBeTruthy();
  expect(res.headers['x-request-id']).toBe(body.requestId);
  return body;
}

describe('problem+json errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ beforeReady: addProbeRoutes });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every invalid field of a request body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/people',
      payload: { name: '', age: -1, extra: true },
    });
    const body = expectProblem(res, 400, 'validation_failed');
    const paths = (body.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.name', 'body.age', 'body.email', 'body.extra']),
    );
    for (const item of body.errors ?? []) {
      expect(item.message).toBeTruthy();
      expect(item.code).toBeTruthy();
    }
  });

  it('accepts a valid body on the same route', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/people',
      payload: { name: 'Ada', age: 36, email: 'ada@example.edu' },
    });
    expect(res.statusCode).toBe(201);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/people',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "Ada", ',
    });
    expectProblem(res, 400, 'malformed_request');
  });

  it('answers an oversize body with 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/people',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), age: 1, email: 'a@b.c' }),
    });
    expectProblem(res, 413, 'body_too_large');
  });

  it('answers an unsupported media type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/probe/people',
      headers: { 'content-type': 'application/xml' },
      payload: '<person><name>Ada</name></person>',
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('answers unknown routes with 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing?x=1' });
    const body = expectProblem(res, 404, 'not_found');
    expect(body.detail).toContain('/api/v1/no-such-thing');
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/probe/people' });
    expectProblem(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
    const ops = await t.app.inject({ method: 'POST', url: '/healthz' });
    expectProblem(ops, 405, 'method_not_allowed');
    expect(ops.headers.allow).toBe('GET');
  });

  it('keeps the codes and extra fields of domain errors', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/probe/conflict' });
    const body = expectProblem(res, 409, 'seat_taken');
    expect(body.detail).toBe('Someone took the seat first.');
    expect(body.sectionId).toBe('abc');
  });

  it('hides the details of unexpected failures', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/probe/crash' });
    const body = expectProblem(res, 500, 'internal_error');
    expect(res.body).not.toContain('secret_table');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    expect(body.detail).toContain('request ID');
  });

  it('echoes a caller-supplied X-Request-Id in the header and the problem body', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/missing',
      headers: { 'x-request-id': 'trace-42.abc' },
    });
    const body = expectProblem(res, 404, 'not_found');
    expect(body.requestId).toBe('trace-42.abc');
    const ok = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-43' },
    });
    expect(ok.headers['x-request-id']).toBe('trace-43');
  });

  it('replaces an unsafe X-Request-Id with its own', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/missing',
      headers: { 'x-request-id': 'bad id\nwith "stuff"' },
    });
    const body = expectProblem(res, 404, 'not_found');
    expect(body.requestId).not.toContain('bad id');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// The published contract: /openapi.json is valid OpenAPI 3.1 (checked by an independent
// validator) and documents every operation, and /docs serves the interactive reference.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/test-app.ts';

interface Operation {
  tags?: string[];
  summary?: string;
  security?: unknown[];
  'x-roles'?: string[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: Document;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    document = res.json<Document>();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents the operations endpoints', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/metrics']),
    );
    expect(document.paths['/docs']).toBeUndefined();
    expect(document.paths['/openapi.json']).toBeUndefined();
  });

  it('gives every operation tags, a summary, a success response and problem+json errors', () => {
    const gaps: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.tags || operation.tags.length === 0) gaps.push(`${name}: no tags`);
        if (!operation.summary) gaps.push(`${name}: no summary`);
        const responses = operation.responses ?? {};
        if (!Object.keys(responses).some((code) => /^[23]\d\d$/.test(code)))
          gaps.push(`${name}: no success response`);
        if (!responses.default?.content?.['application/problem+json'])
          gaps.push(`${name}: errors not documented as problem+json`);
        const roles = operation['x-roles'];
        if (roles !== undefined) {
          if (!operation.security) gaps.push(`${name}: guarded but no security`);
          if (!responses['401']) gaps.push(`${name}: guarded but no 401`);
          if (roles.length > 0 && !responses['403']) gaps.push(`${name}: role-guarded but no 403`);
        }
      }
    }
    expect(gaps).toEqual([]);
  });
});

describe('API docs UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the interactive reference at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    const page =
      res.statusCode === 302
        ? await t.app.inject({ method: 'GET', url: String(res.headers.location) })
        : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const initializer = await t.app.inject({
      method: 'GET',
      url: '/docs/static/swagger-initializer.js',
    });
    expect(initializer.statusCode).toBe(200);
    const bundle = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
  });
});

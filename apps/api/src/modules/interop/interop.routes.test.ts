// The admin import API: multipart upload queued as a job, its progress and summary, the guard, the
// refusals, and the catalog export download.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { signedInAs, type LoggedIn, type TestUser } from '../../test/auth-helpers.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { CatalogImport } from './interop.schemas.ts';
import {
  HAS_SHARED_DATA,
  catalogFacts,
  dataFile,
  dataPath,
  warnWithoutSharedData,
} from './interop.test-helpers.ts';

warnWithoutSharedData('the admin import API tests');

interface Multipart {
  payload: Buffer;
  headers: Record<string, string>;
}

async function multipart(
  fields: Record<string, string>,
  files: Array<{ name: string; content: Uint8Array | string }>,
): Promise<Multipart> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files) {
    const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
    form.append('files', new Blob([bytes]), file.name);
  }
  const request = new Request('http://upload.test/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  };
}

describe.skipIf(!HAS_SHARED_DATA)('admin catalog imports', () => {
  let t: TestApp;
  let admin: LoggedIn & { account: TestUser };
  let student: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp({ startJobs: true });
    admin = await signedInAs(t, 'admin');
    student = await signedInAs(t, 'student');
  });
  afterAll(async () => {
    await t.close();
  });

  async function upload(
    who: LoggedIn | undefined,
    fields: Record<string, string>,
    files: Array<{ name: string; content: Uint8Array | string }>,
  ) {
    const body = await multipart(fields, files);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/imports',
      payload: body.payload,
      headers: { ...body.headers, ...(who ? who.headers : {}) },
    });
  }

  async function finished(id: string): Promise<CatalogImport> {
    let latest: CatalogImport | undefined;
    await vi.waitFor(
      async () => {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/v1/admin/imports/${id}`,
          headers: admin.headers,
        });
        expect(res.statusCode).toBe(200);
        latest = res.json<{ import: CatalogImport }>().import;
        expect(['succeeded', 'failed']).toContain(latest.status);
      },
      { timeout: 180_000, interval: 200 },
    );
    return latest!;
  }

  it('lets only admins upload', async () => {
    const files = [{ name: 'x.json', content: '[]' }];
    const anonymous = await upload(undefined, { format: 'quacs', termCode: '202401' }, files);
    expect(anonymous.statusCode).toBe(401);
    const denied = await upload(student, { format: 'quacs', termCode: '202401' }, files);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'forbidden' });
  });

  it('refuses requests that are not a complete multipart upload', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/imports',
      payload: { format: 'quacs', termCode: '202401' },
      headers: admin.headers,
    });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ code: 'unsupported_media_type' });

    const noFormat = await upload(admin, { termCode: '202401' }, [
      { name: 'a.json', content: '[]' },
    ]);
    expect(noFormat.statusCode).toBe(400);
    expect(noFormat.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ code: 'required', path: 'body.format' }],
    });

    const badFormat = await upload(admin, { format: 'banner', termCode: '202401' }, [
      { name: 'a.json', content: '[]' },
    ]);
    expect(badFormat.statusCode).toBe(400);
    expect(badFormat.json<{ detail: string }>().detail).toContain(
      'Unknown catalog format "banner"',
    );

    const noFiles = await upload(admin, { format: 'quacs', termCode: '202401' }, []);
    expect(noFiles.statusCode).toBe(400);
    expect(noFiles.json<{ detail: string }>().detail).toContain('Attach at least one catalog file');
  });

  it('runs an upload in the background and reports progress and the summary', async () => {
    const res = await upload(
      admin,
      { format: 'quacs', termCode: '202401', timeZone: 'America/Los_Angeles' },
      [
        dataFile('oxy/202401-courses.json'),
        dataFile('oxy/202401-prerequisites.json'),
        dataFile('oxy/202401-catalog.json'),
      ],
    );
    expect(res.statusCode).toBe(202);
    const queued = res.json<{ import: CatalogImport }>().import;
    expect(res.headers.location).toBe(`/api/v1/admin/imports/${queued.id}`);
    expect(queued).toMatchObject({
      format: 'quacs',
      termCode: '202401',
      status: 'queued',
      createdBy: admin.account.id,
    });
    expect(queued.files.map((f) => f.name)).toEqual([
      '202401-courses.json',
      '202401-prerequisites.json',
      '202401-catalog.json',
    ]);
    expect(queued.files[0]!.sizeBytes).toBe(dataFile('oxy/202401-courses.json').content.length);

    const done = await finished(queued.id);
    expect(done.status).toBe('succeeded');
    expect(done.error).toBeNull();
    // 534 courses and 819 sections settled.
    expect(done.progress).toEqual({ phase: 'done', done: 1353, total: 1353, percent: 100 });
    const file = done.summary!.files[0]!;
    expect(file.sections).toEqual({ created: 819, updated: 0, unchanged: 0 });
    expect(file.term).toMatchObject({
      code: '202401',
      created: true,
      timeZone: 'America/Los_Angeles',
    });
    expect(file.importedEnrolment).toEqual({ sections: 819, students: 9183 });
    expect(done.finishedAt).not.toBeNull();
    const facts = await catalogFacts(t.database.db);
    expect(facts).toMatchObject({ sections: 819, capacity: 21936, reservedSeats: 1357 });

    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/imports?limit=1',
      headers: admin.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: CatalogImport[] }>().items.map((i) => i.id)).toEqual([queued.id]);
  }, 240_000);

  it('marks a broken upload failed with the reason, writing nothing', async () => {
    const before = await catalogFacts(t.database.db);
    const whole = readFileSync(dataPath('oxy/202401-courses.json'));
    const res = await upload(admin, { format: 'quacs', termCode: '202401' }, [
      { name: 'cut.json', content: whole.subarray(0, 5000) },
    ]);
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json<{ import: CatalogImport }>().import.id);
    expect(done.status).toBe('failed');
    expect(done.summary).toBeNull();
    expect(done.error?.code).toBe('import_file_invalid');
    expect(done.error?.message).toMatch(/^cut\.json: is not valid JSON, perhaps truncated/);
    expect(await catalogFacts(t.database.db)).toEqual(before);
  }, 240_000);

  it('promotes from the wait-list when a re-import raises a section’s capacity', async () => {
    const catalog = (cap: number) => [
      {
        name: '209901-courses.json',
        content: JSON.stringify([
          {
            name: 'Physics',
            code: 'PHYS',
            courses: [
              {
                title: 'Mechanics',
                subj: 'PHYS',
                crse: '110',
                id: 'PHYS-110',
                sections: [
                  {
                    crn: 9001,
                    subj: 'PHYS',
                    crse: '110',
                    sec: '01',
                    credMin: 4,
                    credMax: 4,
                    title: 'Mechanics',
                    cap,
                    act: 0,
                    rem: cap,
                    attribute: '',
                    timeslots: [
                      {
                        days: ['M', 'W'],
                        instructor: 'Ada Park',
                        location: 'Hall 2',
                        timeStart: 1000,
                        timeEnd: 1115,
                        dateStart: '1/19',
                        dateEnd: '4/27',
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ]),
      },
    ];
    const first = await upload(admin, { format: 'quacs', termCode: '209901' }, catalog(1));
    expect((await finished(first.json<{ import: CatalogImport }>().import.id)).status).toBe(
      'succeeded',
    );
    const section = await t.database.db
      .selectFrom('sections')
      .innerJoin('terms', 'terms.id', 'sections.term_id')
      .select(['sections.id', 'sections.term_id'])
      .where('terms.code', '=', '209901')
      .where('sections.crn', '=', '9001')
      .executeTakeFirstOrThrow();
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sections/${section.id}`,
      headers: admin.headers,
      payload: { waitlistCapacity: 5 },
    });
    expect(patched.statusCode).toBe(200);

    const register = async (studentId: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/students/${studentId}/registrations`,
        headers: { ...admin.headers, 'idempotency-key': `interop-${studentId}` },
        payload: { sectionId: section.id, overrides: ['window'] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ registration: { status: string } }>().registration.status;
    };
    const first1 = await signedInAs(t, 'student');
    const second = await signedInAs(t, 'student');
    expect(await register(first1.account.id)).toBe('enrolled');
    expect(await register(second.account.id)).toBe('waitlisted');

    const grown = await upload(admin, { format: 'quacs', termCode: '209901' }, catalog(2));
    const done = await finished(grown.json<{ import: CatalogImport }>().import.id);
    expect(done.status).toBe('succeeded');
    expect(done.summary!.files[0]!.sections).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(done.summary!.files[0]!.notes.join(' ')).toContain(
      'Capacity grew on 1 section(s) with a wait-list: their wait-lists were promoted.',
    );
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/students/${second.account.id}/registrations?termId=${section.term_id}`,
      headers: admin.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Array<{ status: string }> }>().items.map((r) => r.status)).toEqual([
      'enrolled',
    ]);
    const seats = await t.database.db
      .selectFrom('sections')
      .select(['capacity', 'enrolled', 'waitlisted'])
      .where('id', '=', section.id)
      .executeTakeFirstOrThrow();
    expect(seats).toEqual({ capacity: 2, enrolled: 2, waitlisted: 0 });
  }, 240_000);

  it('answers 404 for an unknown import and 400 for a malformed id', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/imports/0192f1c2-0000-7000-8000-000000000000',
      headers: admin.headers,
    });
    expect(unknown.statusCode).toBe(404);
    const malformed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/imports/42',
      headers: admin.headers,
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('exports the imported term as CSV and JSON', async () => {
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/catalog-export?termCode=202401&format=csv',
      headers: admin.headers,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="catalog-202401.csv"');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^term,crn,course,section,title,kind,/);
    // One row per meeting: every Occidental section has exactly one timeslot.
    expect(lines.length - 1).toBe(819);

    const json = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/catalog-export?termCode=202401',
      headers: admin.headers,
    });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const document = json.json<{
      term: { code: string };
      courses: unknown[];
      sections: Array<{ crn: string; capacity: number; importedEnrolment: number | null }>;
    }>();
    expect(document.term.code).toBe('202401');
    expect(document.courses.length).toBe(534);
    expect(document.sections.length).toBe(819);
    expect(document.sections.reduce((sum, s) => sum + s.capacity, 0)).toBe(21936);

    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/catalog-export?termCode=199901',
      headers: admin.headers,
    });
    expect(missing.statusCode).toBe(404);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/catalog-export?termCode=202401',
      headers: student.headers,
    });
    expect(denied.statusCode).toBe(403);
  });
});

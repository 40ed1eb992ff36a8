// Admin catalog import (multipart upload run as a background job, with progress) and export.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { AppError } from '../../http/errors.ts';
import { requireAuth } from '../../http/auth.ts';
import {
  CatalogImportEnvelope,
  CatalogImportPage,
  ExportQuery,
  ImportIdParams,
  ImportListQuery,
} from './interop.schemas.ts';
import {
  CATALOG_IMPORT_JOB,
  createImportRunner,
  exportCatalog,
  type ImportOptions,
} from './interop.service.ts';
import { ImportOptionsError } from './interop.errors.ts';
import type { SectionLifecycleHooks } from '../catalog/catalog.service.ts';

/** The real catalogs here are under 4 MB; a whole university's fits well within this. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 10;
const TAGS = ['imports'];

const UPLOAD_DESCRIPTION = `multipart/form-data with the fields
\`format\` (uiuc-csv, gt-scheduler or quacs), \`termCode\`, and one or more file parts (any field
name, e.g. \`files\`): the catalog file, plus for uiuc-csv an optional grade-distribution CSV
(class sizes become capacities) and for quacs the optional prerequisites.json and catalog.json.
Optional fields, used only when the term does not exist yet: \`termName\`, \`timeZone\`,
\`startsOn\`, \`endsOn\` (YYYY-MM-DD); and \`defaultCapacity\` for new sections whose file carries
no capacity (30); \`dryRun=true\` to see what would change without keeping anything. The
import runs as a job: poll GET /admin/imports/{importId}.`;

interface Upload {
  fields: Record<string, string>;
  files: Array<{ name: string; content: Uint8Array }>;
}

async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the catalog files as multipart/form-data.',
    );
  }
  const upload: Upload = { fields: {}, files: [] };
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        if (content.byteLength > 0 || part.filename) {
          upload.files.push({
            name: part.filename || `file-${upload.files.length + 1}`,
            content: new Uint8Array(content),
          });
        }
      } else if (typeof part.value === 'string') {
        upload.fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(
        413,
        'file_too_large',
        `A file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`,
      );
    }
    if (code === 'FST_FILES_LIMIT') {
      throw new AppError(413, 'too_many_files', `Send at most ${MAX_FILES} files per import.`);
    }
    throw error;
  }
  return upload;
}

function optionsFrom(fields: Record<string, string>): ImportOptions {
  const missing = (['format', 'termCode'] as const).filter((key) => !fields[key]?.trim());
  if (missing.length > 0) {
    throw new AppError(400, 'validation_failed', 'Some fields are missing or invalid.', {
      errors: missing.map((key) => ({
        code: 'required',
        message: `${key} is required`,
        path: `body.${key}`,
      })),
    });
  }
  let defaultCapacity: number | undefined;
  const rawCapacity = fields.defaultCapacity?.trim();
  if (rawCapacity) {
    defaultCapacity = Number(rawCapacity);
    if (!Number.isInteger(defaultCapacity))
      throw new ImportOptionsError(
        'defaultCapacity must be a whole number.',
        'body.defaultCapacity',
      );
  }
  return {
    format: fields.format!,
    termCode: fields.termCode!,
    termName: fields.termName,
    timeZone: fields.timeZone,
    startsOn: fields.startsOn,
    endsOn: fields.endsOn,
    defaultCapacity,
    dryRun: fields.dryRun === 'true',
  };
}

export interface InteropRoutesOptions {
  deps: AppDeps;
  /** Registration's hooks, so a re-import that raises capacity promotes from wait-lists. */
  sectionHooks?: SectionLifecycleHooks | undefined;
}

export const interopRoutes: FastifyPluginAsync<InteropRoutesOptions> = async (
  instance,
  { deps, sectionHooks },
) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(multipart, {
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 20, fieldSize: 1000, parts: 40 },
  });
  const runner = createImportRunner({
    db: deps.database.db,
    jobs: deps.jobs,
    concurrentWrites: deps.database.maxConnections > 1,
    log: app.log,
    sectionHooks,
  });
  deps.jobs.define<{ importId: string }>(CATALOG_IMPORT_JOB, async ({ importId }) => {
    await runner.run(importId);
  });

  app.post(
    '/admin/imports',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Upload a catalog to import into a term (runs in the background)',
        description: UPLOAD_DESCRIPTION,
        consumes: ['multipart/form-data'],
        response: { 202: CatalogImportEnvelope },
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const upload = await readUpload(request);
      const queued = await runner.queue({
        options: optionsFrom(upload.fields),
        files: upload.files,
        createdBy: auth.userId,
      });
      void reply.header('location', `/api/v1/admin/imports/${queued.id}`);
      return reply.code(202).send({ import: queued });
    },
  );

  app.get(
    '/admin/imports',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Recent catalog imports, newest first',
        querystring: ImportListQuery,
        response: { 200: CatalogImportPage },
      },
    },
    async (request) =>
      runner.list({ limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );

  app.get(
    '/admin/imports/:importId',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: 'Status, progress and summary of a catalog import',
        params: ImportIdParams,
        response: { 200: CatalogImportEnvelope },
      },
    },
    async (request) => ({ import: await runner.get(request.params.importId) }),
  );

  app.get(
    '/admin/catalog-export',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: TAGS,
        summary: "Download a term's catalog as JSON or CSV (one row per meeting)",
        querystring: ExportQuery,
        response: {
          200: {
            description: 'The catalog file, as an attachment',
            content: {
              'application/json': { schema: Type.Object({}, { additionalProperties: true }) },
              'text/csv': { schema: Type.String() },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const file = await exportCatalog(
        deps.database.db,
        request.query.termCode,
        request.query.format ?? 'json',
      );
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );
};

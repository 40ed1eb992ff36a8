// TypeBox schemas of catalog imports (status, progress, summary) and their static types.
// Self-contained (typebox only), so the web app can take these types without server code.
import { Type, type Static, type TSchema } from 'typebox';

export const CATALOG_FORMATS = ['uiuc-csv', 'gt-scheduler', 'quacs'] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Instant = Type.String({ format: 'date-time' });
const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const CatalogFormatSchema = Type.Enum(CATALOG_FORMATS, {
  description:
    'uiuc-csv: wadefagen course-catalog CSV (plus an optional grade-distribution CSV for class sizes); ' +
    'gt-scheduler: gt-scheduler crawler term JSON; quacs: QuACS courses.json plus optional prerequisites.json and catalog.json',
});

export const ImportCounts = Type.Object({
  created: Count,
  updated: Count,
  unchanged: Count,
});
export type ImportCounts = Static<typeof ImportCounts>;

export const SkippedRows = Type.Object({
  reason: Type.String(),
  count: Count,
  examples: Type.Array(Type.String(), { description: 'A few rows, by line, CRN or course' }),
});

export const SourceFacts = Type.Object(
  {
    records: Type.Integer({ description: 'CSV rows or section entries read' }),
    sections: Count,
    totalCapacity: Count,
    capacityFromFile: Count,
    capacityFromClassSizes: Count,
    capacityDefaulted: Count,
    prerequisiteTrees: Count,
    corequisiteCourses: Count,
    reservedSeatRules: Count,
    reservedSeats: Count,
    restrictedCourses: Count,
    reportedEnrolment: Nullable(Count),
    sectionsOverCapacity: Count,
  },
  { description: 'What the file itself holds, counted while reading it' },
);

export const ImportTerm = Type.Object({
  code: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  startsOn: DateOnly,
  endsOn: DateOnly,
  created: Type.Boolean({
    description: 'The import created the term (dates derived from the data)',
  }),
});

export const FileSummary = Type.Object({
  file: Type.String(),
  companions: Type.Array(Type.String()),
  hasSections: Type.Boolean(),
  term: Nullable(ImportTerm),
  changed: Type.Boolean({ description: 'false: the import found everything as stored' }),
  subjects: ImportCounts,
  courses: ImportCounts,
  sections: ImportCounts,
  prerequisites: Type.Object({
    trees: Count,
    converted: Count,
    unconvertible: Count,
  }),
  importedEnrolment: Nullable(
    Type.Object(
      { sections: Count, students: Count },
      {
        description:
          'Real enrolment the file reports (QuACS act), kept beside the section, never in its seat counters',
      },
    ),
  ),
  sectionsNotInFile: Type.Integer({
    minimum: 0,
    description: 'Sections of the term the file does not list; left as they are',
  }),
  skipped: Type.Array(SkippedRows),
  skippedTotal: Count,
  notes: Type.Array(Type.String()),
  source: SourceFacts,
});
export type FileSummary = Static<typeof FileSummary>;

export const ImportReport = Type.Object({
  format: CatalogFormatSchema,
  termCode: Type.String(),
  changed: Type.Boolean(),
  dryRun: Type.Boolean({
    description: 'true: everything was rolled back; the counts say what would change',
  }),
  files: Type.Array(FileSummary),
});
export type ImportReport = Static<typeof ImportReport>;

export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export const CatalogImport = Type.Object({
  id: Type.String(),
  format: Type.String(),
  termCode: Type.String(),
  status: Type.Enum(IMPORT_STATUSES),
  files: Type.Array(Type.Object({ name: Type.String(), sizeBytes: Count })),
  progress: Type.Object({
    phase: Nullable(
      Type.String({ description: 'queued, reading, courses, sections, done, failed' }),
    ),
    done: Count,
    total: Count,
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
  }),
  summary: Nullable(ImportReport),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  createdBy: Nullable(Type.String()),
  createdAt: Instant,
  startedAt: Nullable(Instant),
  finishedAt: Nullable(Instant),
});
export type CatalogImport = Static<typeof CatalogImport>;

export const CatalogImportEnvelope = Type.Object({ import: CatalogImport });

export const CatalogImportPage = Type.Object({
  items: Type.Array(CatalogImport),
  nextCursor: Nullable(Type.String()),
});

export const ImportIdParams = Type.Object({
  importId: Type.String({ format: 'uuid' }),
});

export const ImportListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
});

export const ExportQuery = Type.Object({
  termCode: Type.String({ minLength: 1, maxLength: 40 }),
  format: Type.Optional(Type.Enum(['json', 'csv'] as const, { default: 'json' })),
});

// API shapes of the catalog module, taken from its TypeBox schemas. Type-only imports: nothing
// server-side is bundled into the web app.
import type { Static } from 'typebox';
import type {
  CLASS_STANDINGS,
  SEARCH_SORTS,
  SECTION_KINDS,
  CoursePage as CoursePageSchema,
  ProgramPage as ProgramPageSchema,
  SectionPage as SectionPageSchema,
  SubjectPage as SubjectPageSchema,
  TermPage as TermPageSchema,
} from '../../../../../api/src/modules/catalog/catalog.schemas.ts';

export type {
  Course,
  CourseCreate,
  CoursePatch,
  Meeting,
  MeetingInput,
  Program,
  ReservedSeatsInput,
  Section,
  SectionCreate,
  SectionPatch,
  SectionSearchQuery,
  Subject,
  Term,
  TermCreate,
  TermPatch,
} from '../../../../../api/src/modules/catalog/catalog.schemas.ts';
import type {
  CatalogFormat,
  CatalogImportPage as CatalogImportPageSchema,
  CatalogImportEnvelope as CatalogImportEnvelopeSchema,
  ExportQuery as ExportQuerySchema,
} from '../../../../../api/src/modules/interop/interop.schemas.ts';

export type {
  CatalogFormat,
  CatalogImport,
  FileSummary,
  ImportCounts,
  ImportReport,
} from '../../../../../api/src/modules/interop/interop.schemas.ts';

export type TermPage = Static<typeof TermPageSchema>;
export type SubjectPage = Static<typeof SubjectPageSchema>;
export type ProgramPage = Static<typeof ProgramPageSchema>;
export type CoursePage = Static<typeof CoursePageSchema>;
export type SectionPage = Static<typeof SectionPageSchema>;

export type CatalogImportPage = Static<typeof CatalogImportPageSchema>;
export type CatalogImportEnvelope = Static<typeof CatalogImportEnvelopeSchema>;
export type ExportFormat = NonNullable<Static<typeof ExportQuerySchema>['format']>;

export type SectionKind = (typeof SECTION_KINDS)[number];
export type ClassStanding = (typeof CLASS_STANDINGS)[number];
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** The lists the UI offers, in display order; each fails to compile if the API gains a value. */
export const ALL_KINDS = [
  'lecture',
  'lab',
  'discussion',
  'seminar',
  'studio',
  'online',
  'independent',
  'other',
] as const satisfies readonly SectionKind[];
export const ALL_STANDINGS = [
  'freshman',
  'sophomore',
  'junior',
  'senior',
  'graduate',
] as const satisfies readonly ClassStanding[];
export const ALL_SORTS = [
  'code',
  'title',
  'available',
  'startTime',
] as const satisfies readonly SearchSort[];

export const ALL_CATALOG_FORMATS = [
  'uiuc-csv',
  'gt-scheduler',
  'quacs',
] as const satisfies readonly CatalogFormat[];
export const ALL_EXPORT_FORMATS = ['csv', 'json'] as const satisfies readonly ExportFormat[];

const everyKind: Exclude<SectionKind, (typeof ALL_KINDS)[number]> extends never ? true : false =
  true;
const everyStanding: Exclude<ClassStanding, (typeof ALL_STANDINGS)[number]> extends never
  ? true
  : false = true;
const everySort: Exclude<SearchSort, (typeof ALL_SORTS)[number]> extends never ? true : false =
  true;
const everyFormat: Exclude<CatalogFormat, (typeof ALL_CATALOG_FORMATS)[number]> extends never
  ? true
  : false = true;
const everyExport: Exclude<ExportFormat, (typeof ALL_EXPORT_FORMATS)[number]> extends never
  ? true
  : false = true;
void everyFormat;
void everyExport;
void everyKind;
void everyStanding;
void everySort;

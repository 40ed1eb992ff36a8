// What each catalog format reads, in words for the import form (kept to what the importer accepts:
// apps/api/src/modules/interop/interop.catalog-formats.ts).
import type { CatalogFormat } from '../api/types.ts';

export interface FormatInfo {
  label: string;
  /** One line: which files to choose. */
  files: string;
  /** For the file picker's dialog. */
  accept: string;
  /** The term's time zone when the import creates it and none is given. */
  defaultTimeZone: string;
}

export const FORMAT_INFO: Record<CatalogFormat, FormatInfo> = {
  'uiuc-csv': {
    label: 'UIUC course explorer (CSV)',
    files:
      'One or more UIUC course-catalog CSVs (one row per meeting), plus optionally a grade-distribution CSV whose class sizes become capacities.',
    accept: '.csv,text/csv',
    defaultTimeZone: 'America/Chicago',
  },
  'gt-scheduler': {
    label: 'Georgia Tech gt-scheduler (JSON)',
    files: 'A gt-scheduler crawler term file such as 202308.json (one term per file).',
    accept: '.json,application/json',
    defaultTimeZone: 'America/New_York',
  },
  quacs: {
    label: 'QuACS (JSON)',
    files:
      'A QuACS courses.json, plus optionally its prerequisites.json (requisites, reserved seats and restrictions by CRN) and catalog.json (descriptions).',
    accept: '.json,application/json',
    defaultTimeZone: 'America/New_York',
  },
};

/** The server's limits (interop.routes.ts). */
export const MAX_IMPORT_FILES = 10;
export const MAX_IMPORT_FILE_BYTES = 64 * 1024 * 1024;

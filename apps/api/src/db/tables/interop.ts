// Row types of the interop tables (catalog imports and the enrolment source files report).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { NullableTimestamp } from './identity.ts';

export type CatalogImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface CatalogImportsTable {
  id: string;
  format: string;
  term_code: string;
  options: JSONColumnType<Record<string, unknown>, string, string>;
  status: Generated<CatalogImportStatus>;
  phase: string | null;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  /** The ImportReport (interop.schemas.ts) once finished. */
  summary: ColumnType<unknown, string | null, string | null>;
  error_code: string | null;
  error_message: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface CatalogImportFilesTable {
  import_id: string;
  position: number;
  name: string;
  size_bytes: number;
  content: Uint8Array | null;
}

export interface SectionImportedEnrolmentsTable {
  section_id: string;
  enrolment: number;
  source_format: string;
}

export interface InteropTables {
  catalog_imports: CatalogImportsTable;
  catalog_import_files: CatalogImportFilesTable;
  section_imported_enrolments: SectionImportedEnrolmentsTable;
}

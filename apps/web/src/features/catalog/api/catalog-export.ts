// GET /api/v1/admin/catalog-export?termCode=&format=: a term's catalog as a file.
import { apiFile, type ApiFile } from '../../../lib/api.ts';
import type { ExportFormat } from './types.ts';

const ACCEPT: Record<ExportFormat, string> = { csv: 'text/csv', json: 'application/json' };

export function fetchCatalogExport(termCode: string, format: ExportFormat): Promise<ApiFile> {
  return apiFile('/api/v1/admin/catalog-export', {
    query: { termCode, format },
    accept: ACCEPT[format],
    fallbackName: `catalog-${termCode}.${format}`,
  });
}

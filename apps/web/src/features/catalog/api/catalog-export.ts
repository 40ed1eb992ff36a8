// GET /api/v1/admin/catalog-export?termCode=&format=: a term's catalog as a file. The browser
// downloads it through a plain link (the session cookie signs the GET).
import { buildUrl } from '../../../lib/api.ts';
import type { ExportFormat } from './types.ts';

export function catalogExportUrl(termCode: string, format: ExportFormat): string {
  return buildUrl('/api/v1/admin/catalog-export', { termCode, format });
}

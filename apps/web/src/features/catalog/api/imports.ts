// POST /api/v1/admin/imports (multipart upload), GET /api/v1/admin/imports[/{importId}]: catalog
// imports run as jobs on the server; the page polls one until it has succeeded or failed.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiRequest, readCookie, toApiError } from '../../../lib/api.ts';
import { fetchMe } from '../../identity/api/me.ts';
import { catalogKeys } from './keys.ts';
import type {
  CatalogFormat,
  CatalogImport,
  CatalogImportEnvelope,
  CatalogImportPage,
} from './types.ts';

export interface ImportInput {
  format: CatalogFormat;
  termCode: string;
  termName?: string | undefined;
  timeZone?: string | undefined;
  startsOn?: string | undefined;
  endsOn?: string | undefined;
  defaultCapacity?: number | undefined;
  dryRun: boolean;
  files: readonly File[];
}

const IMPORTS_PATH = '/api/v1/admin/imports';
/** Polling pace while an import is queued or running. */
export const IMPORT_POLL_MS = 500;

export function isImportActive(item: Pick<CatalogImport, 'status'>): boolean {
  return item.status === 'queued' || item.status === 'running';
}

export function importFormData(input: ImportInput): FormData {
  const form = new FormData();
  // Fields before files: the server reads the parts in order.
  form.append('format', input.format);
  form.append('termCode', input.termCode.trim());
  const optional: Array<[string, string | undefined]> = [
    ['termName', input.termName?.trim()],
    ['timeZone', input.timeZone?.trim()],
    ['startsOn', input.startsOn],
    ['endsOn', input.endsOn],
    ['defaultCapacity', input.defaultCapacity?.toString()],
  ];
  for (const [name, value] of optional) if (value) form.append(name, value);
  if (input.dryRun) form.append('dryRun', 'true');
  for (const file of input.files) form.append('files', file, file.name);
  return form;
}

async function postForm(form: FormData): Promise<Response> {
  // No content-type: the browser writes the multipart boundary itself.
  const headers: Record<string, string> = { accept: 'application/json' };
  const csrf = readCookie('csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  try {
    return await fetch(IMPORTS_PATH, {
      method: 'POST',
      headers,
      body: form,
      credentials: 'include',
    });
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      title: 'Network error',
      detail: 'Cannot reach the server. Check your connection and try again.',
    });
  }
}

/**
 * apiRequest sends JSON only, so the upload posts its form itself. On a 401 a signed-in call
 * through apiRequest refreshes the session (as every other request would), then the same form,
 * which can be read again, goes once more.
 */
export async function createImport(input: ImportInput): Promise<CatalogImport> {
  const form = importFormData(input);
  let response = await postForm(form);
  if (response.status === 401 && readCookie('csrf') && (await fetchMe())) {
    response = await postForm(form);
  }
  if (!response.ok) throw await toApiError(response);
  return ((await response.json()) as CatalogImportEnvelope).import;
}

export function useCreateImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    onSuccess: async (created) => {
      client.setQueryData(catalogKeys.import(created.id), created);
      await client.invalidateQueries({ queryKey: catalogKeys.importList });
    },
  });
}

export function useImport(importId: string | null) {
  return useQuery({
    queryKey: catalogKeys.import(importId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest<CatalogImportEnvelope>(`${IMPORTS_PATH}/${encodeURIComponent(importId!)}`, {
        signal,
      }).then((body) => body.import),
    enabled: importId !== null,
    refetchInterval: (query) =>
      query.state.data && isImportActive(query.state.data) ? IMPORT_POLL_MS : false,
  });
}

export const RECENT_IMPORTS = 20;

/** Newest first, a page of RECENT_IMPORTS at a time ("Show older imports" fetches the next). */
export function useRecentImports() {
  return useInfiniteQuery({
    queryKey: catalogKeys.importList,
    queryFn: ({ pageParam, signal }) =>
      apiRequest<CatalogImportPage>(IMPORTS_PATH, {
        query: { limit: RECENT_IMPORTS, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Keeps the statuses moving while any import is still under way.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some(isImportActive))
        ? IMPORT_POLL_MS * 4
        : false,
  });
}

// GET …/ledger: entries newest first with the balance after each, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiFile, apiRequest, type ApiFile } from '../../../lib/api.ts';
import { accountBase, billingKeys } from './keys.ts';
import type { LedgerPage } from './types.ts';

export function listLedger(
  studentId: string | null,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<LedgerPage> {
  return apiRequest<LedgerPage>(`${accountBase(studentId)}/ledger`, {
    query: { cursor, limit: 50 },
    signal,
  });
}

export function useLedger(studentId: string | null) {
  return useInfiniteQuery({
    queryKey: billingKeys.ledger(studentId),
    queryFn: ({ pageParam, signal }) => listLedger(studentId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** The account statement as a CSV file or a printable HTML page. */
export function fetchStatement(studentId: string | null, format: 'csv' | 'html'): Promise<ApiFile> {
  return apiFile(`${accountBase(studentId)}/statement`, {
    query: { format },
    accept: format === 'csv' ? 'text/csv' : 'text/html',
    fallbackName: `statement.${format}`,
  });
}

// GET …/ledger: entries newest first with the balance after each, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
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

/** Where the statement downloads live (plain links: the browser sends the session cookie). */
export function statementUrl(studentId: string | null, format: 'csv' | 'html'): string {
  return `${accountBase(studentId)}/statement?format=${format}`;
}

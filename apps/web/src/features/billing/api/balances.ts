// GET /api/v1/billing/balances: students with a balance (or past due), for the bursar.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { billingKeys } from './keys.ts';
import type { BalancesPage } from './types.ts';

export function listBalances(
  filters: { q: string; pastDue: boolean },
  cursor: string | null,
  signal?: AbortSignal,
): Promise<BalancesPage> {
  return apiRequest<BalancesPage>('/api/v1/billing/balances', {
    query: { q: filters.q, pastDue: filters.pastDue || undefined, cursor },
    signal,
  });
}

export function useBalances(filters: { q: string; pastDue: boolean }) {
  return useInfiniteQuery({
    queryKey: billingKeys.balances(filters),
    queryFn: ({ pageParam, signal }) => listBalances(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

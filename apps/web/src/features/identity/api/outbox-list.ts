// GET /api/v1/admin/outbox: mail kept in the database when no SMTP server is configured.
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { identityKeys } from './keys.ts';
import type { OutboxPage } from './types.ts';

export function listOutbox(cursor: string | null, signal?: AbortSignal): Promise<OutboxPage> {
  return apiRequest<OutboxPage>('/api/v1/admin/outbox', { query: { cursor }, signal });
}

export function useOutbox() {
  return useInfiniteQuery({
    queryKey: identityKeys.outbox,
    queryFn: ({ pageParam, signal }) => listOutbox(pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

// GET /api/v1/me/account (own) or /api/v1/students/{id}/account (staff): balance and terms.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { accountBase, billingKeys } from './keys.ts';
import type { Account } from './types.ts';

export function getAccount(studentId: string | null, signal?: AbortSignal): Promise<Account> {
  return apiRequest<Account>(`${accountBase(studentId)}/account`, { signal });
}

export function useAccount(studentId: string | null) {
  return useQuery({
    queryKey: billingKeys.account(studentId),
    queryFn: ({ signal }) => getAccount(studentId, signal),
  });
}

// GET …/payments: payments (online and offline) and refunds.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { accountBase, billingKeys } from './keys.ts';
import type { PaymentList } from './types.ts';

export function listPayments(studentId: string | null, signal?: AbortSignal): Promise<PaymentList> {
  return apiRequest<PaymentList>(`${accountBase(studentId)}/payments`, { signal });
}

export function usePayments(studentId: string | null) {
  return useQuery({
    queryKey: billingKeys.payments(studentId),
    queryFn: ({ signal }) => listPayments(studentId, signal),
  });
}

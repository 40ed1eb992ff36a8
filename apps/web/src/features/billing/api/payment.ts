// GET /api/v1/me/payments/{id}: one payment, polled after returning from checkout until the
// provider's confirmation (a webhook) has settled it.
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { billingKeys } from './keys.ts';
import type { PaymentEnvelope } from './types.ts';

export function getPayment(paymentId: string, signal?: AbortSignal): Promise<PaymentEnvelope> {
  return apiRequest<PaymentEnvelope>(`/api/v1/me/payments/${encodeURIComponent(paymentId)}`, {
    signal,
  });
}

export function usePayment(paymentId: string | null) {
  return useQuery({
    queryKey: billingKeys.payment(paymentId ?? ''),
    queryFn: ({ signal }) => getPayment(paymentId!, signal),
    enabled: paymentId !== null,
    // Stripe confirms by webhook, usually within seconds of the redirect back.
    refetchInterval: (query) => (query.state.data?.payment.status === 'pending' ? 2000 : false),
  });
}

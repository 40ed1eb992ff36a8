// POST /api/v1/me/payments: starts a checkout. One Idempotency-Key per attempt, so a double
// click or a retried request never opens two payments.
import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import type { OnlinePaymentInput, PaymentEnvelope } from './types.ts';

export function createPayment(
  body: OnlinePaymentInput,
  idempotencyKey: string,
): Promise<PaymentEnvelope> {
  return apiRequest<PaymentEnvelope>('/api/v1/me/payments', {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

export function useCreatePayment() {
  return useMutation({
    mutationFn: (input: { body: OnlinePaymentInput; idempotencyKey: string }) =>
      createPayment(input.body, input.idempotencyKey),
  });
}

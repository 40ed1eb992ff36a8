// Staff actions on a student's account: record an offline payment, refund credit, adjust.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api.ts';
import { accountBase, billingKeys } from './keys.ts';
import type {
  AdjustmentInput,
  LedgerEntryEnvelope,
  OfflinePaymentInput,
  PaymentEnvelope,
  RefundInput,
  RefundResult,
} from './types.ts';

export function recordPayment(
  studentId: string,
  body: OfflinePaymentInput,
  idempotencyKey: string,
): Promise<PaymentEnvelope> {
  return apiRequest<PaymentEnvelope>(`${accountBase(studentId)}/payments`, {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

export function refundCredit(
  studentId: string,
  body: RefundInput,
  idempotencyKey: string,
): Promise<RefundResult> {
  return apiRequest<RefundResult>(`${accountBase(studentId)}/refunds`, {
    method: 'POST',
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

export function postAdjustment(
  studentId: string,
  body: AdjustmentInput,
): Promise<LedgerEntryEnvelope> {
  return apiRequest<LedgerEntryEnvelope>(`${accountBase(studentId)}/adjustments`, {
    method: 'POST',
    body,
  });
}

/** After any staff action the student's account, ledger, payments and the balance list change. */
function useInvalidateStudent(studentId: string) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: billingKeys.account(studentId) }),
      queryClient.invalidateQueries({ queryKey: billingKeys.ledger(studentId) }),
      queryClient.invalidateQueries({ queryKey: billingKeys.payments(studentId) }),
      queryClient.invalidateQueries({ queryKey: ['billing', 'balances'] }),
    ]);
  };
}

export function useRecordPayment(studentId: string) {
  const invalidate = useInvalidateStudent(studentId);
  return useMutation({
    mutationFn: (input: { body: OfflinePaymentInput; idempotencyKey: string }) =>
      recordPayment(studentId, input.body, input.idempotencyKey),
    onSuccess: invalidate,
  });
}

export function useRefundCredit(studentId: string) {
  const invalidate = useInvalidateStudent(studentId);
  return useMutation({
    mutationFn: (input: { body: RefundInput; idempotencyKey: string }) =>
      refundCredit(studentId, input.body, input.idempotencyKey),
    onSuccess: invalidate,
  });
}

export function usePostAdjustment(studentId: string) {
  const invalidate = useInvalidateStudent(studentId);
  return useMutation({
    mutationFn: (body: AdjustmentInput) => postAdjustment(studentId, body),
    onSuccess: invalidate,
  });
}

// The banner after returning from checkout (?payment=…&result=…): waits for the provider's
// confirmation, then refreshes the account.
import { Alert, Loader, Group, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { usePayment } from '../api/payment.ts';
import { billingKeys } from '../api/keys.ts';
import { formatMoney } from './money.ts';

export function PaymentResult(props: { paymentId: string; result: string; onDismiss: () => void }) {
  const payment = usePayment(props.paymentId);
  const queryClient = useQueryClient();
  const status = payment.data?.payment.status;

  useEffect(() => {
    if (status === 'succeeded') {
      void queryClient.invalidateQueries({ queryKey: billingKeys.account(null) });
      void queryClient.invalidateQueries({ queryKey: billingKeys.ledger(null) });
      void queryClient.invalidateQueries({ queryKey: billingKeys.payments(null) });
    }
  }, [status, queryClient]);

  if (props.result === 'cancelled' && status !== 'succeeded') {
    return (
      <Alert
        color="gray"
        variant="light"
        title="Payment cancelled"
        withCloseButton
        onClose={props.onDismiss}
      >
        Nothing was charged. You can pay whenever you are ready.
      </Alert>
    );
  }
  if (!payment.data) return null;
  const { amount, currency, failureReason } = payment.data.payment;
  if (status === 'succeeded') {
    return (
      <Alert
        color="teal"
        variant="light"
        title="Payment received"
        withCloseButton
        onClose={props.onDismiss}
        data-testid="payment-result"
      >
        Thank you: {formatMoney(amount, currency)} was credited to your account. A receipt is on its
        way by email.
      </Alert>
    );
  }
  if (status === 'pending') {
    return (
      <Alert
        color="blue"
        variant="light"
        title="Confirming your payment"
        data-testid="payment-result"
      >
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm">
            Waiting for the payment provider to confirm {formatMoney(amount, currency)}…
          </Text>
        </Group>
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      variant="light"
      title="The payment did not go through"
      withCloseButton
      onClose={props.onDismiss}
      data-testid="payment-result"
    >
      {failureReason ?? 'The card was declined.'} Nothing was charged; you can try again.
    </Alert>
  );
}

// The student's "Pay" dialog: choose an amount (the balance by default), then go to checkout
// (Stripe, or the built-in TEST MODE page when the server has no Stripe key).
import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { isApiError } from '../../../lib/api.ts';
import { useCreatePayment } from '../api/payment-create.ts';
import {
  currencyExponent,
  currencySymbol,
  formatMoney,
  newIdempotencyKey,
  toMajorUnits,
  toMinorUnits,
} from './money.ts';

export function PayModal(props: {
  opened: boolean;
  onClose: () => void;
  balance: number;
  currency: string;
  testMode: boolean;
}) {
  const { balance, currency } = props;
  const [value, setValue] = useState<number | string>(toMajorUnits(balance, currency));
  const [error, setError] = useState<string | null>(null);
  // One key per attempt: a double click or a retry after a network error reuses it.
  const key = useRef(newIdempotencyKey());
  const create = useCreatePayment();
  const exponent = currencyExponent(currency);

  const close = () => {
    create.reset();
    setError(null);
    key.current = newIdempotencyKey();
    props.onClose();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const amount = typeof value === 'number' ? toMinorUnits(value, currency) : NaN;
    if (!Number.isFinite(amount) || amount < 1) {
      setError('Enter an amount to pay');
      return;
    }
    if (amount > balance) {
      setError(`You owe ${formatMoney(balance, currency)}; pay at most that`);
      return;
    }
    setError(null);
    create.mutate(
      { body: { amount, currency }, idempotencyKey: key.current },
      {
        onSuccess: ({ payment }) => {
          if (payment.checkoutUrl) window.location.assign(payment.checkoutUrl);
        },
        onError: (failure) => {
          // A refused amount will not change on retry with the same key: start a new attempt.
          if (isApiError(failure) && failure.status < 500) key.current = newIdempotencyKey();
        },
      },
    );
  };

  return (
    <Modal opened={props.opened} onClose={close} title="Pay your balance" centered>
      <form onSubmit={submit} noValidate aria-label="Pay your balance">
        <Stack gap="md">
          {props.testMode && (
            <Alert color="yellow" variant="light" title="Test mode" data-testid="test-mode-alert">
              This server has no payment provider configured. The next page simulates a card
              payment; no money moves.
            </Alert>
          )}
          <FormAlert
            error={create.error}
            show={create.isError}
            title="Could not start the payment"
          />
          <Text size="sm">
            Your balance is <strong>{formatMoney(balance, currency)}</strong>.
          </Text>
          <NumberInput
            label="Amount"
            required
            data-autofocus
            prefix={`${currencySymbol(currency)} `}
            decimalScale={exponent}
            fixedDecimalScale
            thousandSeparator=","
            min={0}
            value={value}
            onChange={setValue}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || create.isSuccess}>
              Continue to payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

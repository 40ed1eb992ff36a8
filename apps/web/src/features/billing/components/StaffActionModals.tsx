// Staff dialogs on a student's account: record a payment received offline, refund a credit
// balance, post an adjustment. Each submit carries one Idempotency-Key, kept across retries.
import {
  Button,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useRef, useState } from 'react';
import { FormAlert } from '../../../components/FormAlert.tsx';
import { isApiError } from '../../../lib/api.ts';
import { usePostAdjustment, useRecordPayment, useRefundCredit } from '../api/staff-actions.ts';
import type { Account } from '../api/types.ts';
import {
  currencyExponent,
  currencySymbol,
  formatMoney,
  METHOD_LABELS,
  newIdempotencyKey,
  toMajorUnits,
  toMinorUnits,
} from './money.ts';

type Amount = number | string;

function MoneyInput(props: {
  label: string;
  currency: string;
  value: Amount;
  onChange: (value: Amount) => void;
  error?: string | null | undefined;
  description?: string;
  allowNegative?: boolean;
}) {
  return (
    <NumberInput
      label={props.label}
      description={props.description}
      required
      data-autofocus
      prefix={`${currencySymbol(props.currency)} `}
      decimalScale={currencyExponent(props.currency)}
      fixedDecimalScale
      thousandSeparator=","
      allowNegative={props.allowNegative ?? false}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
    />
  );
}

function toAmount(value: Amount, currency: string): number {
  return typeof value === 'number' ? toMinorUnits(value, currency) : NaN;
}

/** Keeps a key for the attempt; a refusal (4xx) will not change on retry, so it gets a new one. */
function useAttemptKey() {
  const key = useRef(newIdempotencyKey());
  return {
    get: () => key.current,
    renew: () => {
      key.current = newIdempotencyKey();
    },
    afterError: (error: unknown) => {
      if (isApiError(error) && error.status < 500) key.current = newIdempotencyKey();
    },
  };
}

const OFFLINE_METHODS = (['check', 'cash', 'bank_transfer', 'card', 'other'] as const).map(
  (value) => ({ value, label: value === 'card' ? 'Card (terminal)' : METHOD_LABELS[value]! }),
);

export function RecordPaymentModal(props: {
  account: Account;
  opened: boolean;
  onClose: () => void;
}) {
  const { account } = props;
  const record = useRecordPayment(account.studentId);
  const key = useAttemptKey();
  const [amount, setAmount] = useState<Amount>(
    Math.max(0, toMajorUnits(account.balance, account.currency)),
  );
  const [method, setMethod] = useState<string | null>('check');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    record.reset();
    key.renew();
    props.onClose();
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const minor = toAmount(amount, account.currency);
    if (!Number.isFinite(minor) || minor < 1) return setError('Enter the amount received');
    setError(null);
    record.mutate(
      {
        body: {
          amount: minor,
          currency: account.currency,
          method: (method ?? 'other') as 'check',
          ...(reference.trim() ? { reference: reference.trim() } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
        idempotencyKey: key.get(),
      },
      {
        onSuccess: ({ payment }) => {
          notifications.show({
            color: 'teal',
            title: 'Payment recorded',
            message: `${formatMoney(payment.amount, payment.currency)} credited to ${account.student.name}.`,
          });
          close();
        },
        onError: key.afterError,
      },
    );
  };
  return (
    <Modal opened={props.opened} onClose={close} title="Record a payment" centered>
      <form onSubmit={submit} noValidate aria-label="Record a payment">
        <Stack gap="md">
          <FormAlert
            error={record.error}
            show={record.isError}
            title="Could not record the payment"
          />
          <MoneyInput
            label="Amount received"
            currency={account.currency}
            value={amount}
            onChange={setAmount}
            error={error}
          />
          <Select
            label="Method"
            data={OFFLINE_METHODS}
            value={method}
            onChange={setMethod}
            allowDeselect={false}
          />
          <TextInput
            label="Reference"
            placeholder="Check number, transfer reference…"
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
          />
          <Textarea
            label="Note"
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={record.isPending}>
              Record payment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const REFUND_METHODS = [
  { value: 'original', label: 'Back to the card(s) it was paid with, rest by check' },
  { value: 'check', label: 'Check' },
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'cash', label: 'Cash' },
  { value: 'other', label: 'Other' },
];

export function RefundModal(props: { account: Account; opened: boolean; onClose: () => void }) {
  const { account } = props;
  const credit = Math.max(0, -account.balance);
  const refund = useRefundCredit(account.studentId);
  const key = useAttemptKey();
  const [amount, setAmount] = useState<Amount>(toMajorUnits(credit, account.currency));
  const [method, setMethod] = useState<string | null>('original');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    refund.reset();
    key.renew();
    props.onClose();
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const minor = toAmount(amount, account.currency);
    if (!Number.isFinite(minor) || minor < 1) return setError('Enter the amount to refund');
    if (minor > credit)
      return setError(`The credit balance is ${formatMoney(credit, account.currency)}`);
    setError(null);
    refund.mutate(
      {
        body: {
          amount: minor,
          currency: account.currency,
          method: (method ?? 'original') as 'original',
          ...(reason.trim() ? { reason: reason.trim() } : {}),
        },
        idempotencyKey: key.get(),
      },
      {
        onSuccess: ({ refunds }) => {
          const failed = refunds.filter((r) => r.status === 'failed');
          notifications.show(
            failed.length > 0
              ? {
                  color: 'red',
                  title: 'Refund not completed',
                  message: `${failed.map((r) => r.failureReason).join('; ')}. The credit stays on the account.`,
                }
              : {
                  color: 'teal',
                  title: 'Refund issued',
                  message: refunds
                    .map(
                      (r) =>
                        `${formatMoney(r.amount, r.currency)} by ${METHOD_LABELS[r.method] ?? r.method}`,
                    )
                    .join(', '),
                },
          );
          close();
        },
        onError: key.afterError,
      },
    );
  };
  return (
    <Modal opened={props.opened} onClose={close} title="Refund credit" centered>
      <form onSubmit={submit} noValidate aria-label="Refund credit">
        <Stack gap="md">
          <FormAlert error={refund.error} show={refund.isError} title="Could not refund" />
          <Text size="sm">
            Credit balance: <strong>{formatMoney(credit, account.currency)}</strong>
          </Text>
          <MoneyInput
            label="Amount to refund"
            currency={account.currency}
            value={amount}
            onChange={setAmount}
            error={error}
          />
          <Select
            label="Refund to"
            data={REFUND_METHODS}
            value={method}
            onChange={setMethod}
            allowDeselect={false}
          />
          <TextInput
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="grape" loading={refund.isPending} disabled={credit === 0}>
              Refund
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AdjustmentModal(props: { account: Account; opened: boolean; onClose: () => void }) {
  const { account } = props;
  const adjust = usePostAdjustment(account.studentId);
  const [amount, setAmount] = useState<Amount>('');
  const [description, setDescription] = useState('');
  const [termId, setTermId] = useState<string | null>(null);
  const [errors, setErrors] = useState<{ amount?: string; description?: string }>({});

  const close = () => {
    adjust.reset();
    props.onClose();
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const minor = toAmount(amount, account.currency);
    const next: typeof errors = {};
    if (!Number.isFinite(minor) || minor === 0) next.amount = 'Enter a non-zero amount';
    if (!description.trim()) next.description = 'Say what the adjustment is for';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    adjust.mutate(
      {
        amount: minor,
        currency: account.currency,
        description: description.trim(),
        ...(termId ? { termId } : {}),
      },
      {
        onSuccess: ({ entry }) => {
          notifications.show({
            color: 'teal',
            title: 'Adjustment posted',
            message: `${formatMoney(entry.amount, entry.currency)}: ${entry.description}`,
          });
          close();
        },
      },
    );
  };
  return (
    <Modal opened={props.opened} onClose={close} title="Post an adjustment" centered>
      <form onSubmit={submit} noValidate aria-label="Post an adjustment">
        <Stack gap="md">
          <FormAlert
            error={adjust.error}
            show={adjust.isError}
            title="Could not post the adjustment"
          />
          <MoneyInput
            label="Amount"
            description="Positive charges the student; negative gives a credit (e.g. a scholarship)."
            currency={account.currency}
            value={amount}
            onChange={setAmount}
            error={errors.amount}
            allowNegative
          />
          <TextInput
            label="Description"
            required
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.description}
          />
          <Select
            label="Term"
            placeholder="None"
            clearable
            data={account.terms.map((t) => ({
              value: t.termId,
              label: `${t.termName} (${t.termCode})`,
            }))}
            value={termId}
            onChange={setTermId}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={adjust.isPending}>
              Post adjustment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

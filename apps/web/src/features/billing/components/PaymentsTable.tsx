// Payments (online and offline) and refunds of an account, newest first.
import { Badge, Skeleton, Stack, Table, Text } from '@mantine/core';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { usePayments } from '../api/payments-list.ts';
import { formatMoney, METHOD_LABELS, PAYMENT_STATUS_COLORS } from './money.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Row {
  id: string;
  at: string;
  what: string;
  method: string;
  amount: number;
  currency: string;
  status: string;
  note: string | null;
}

export function PaymentsTable(props: { studentId: string | null }) {
  const payments = usePayments(props.studentId);
  if (payments.isError)
    return <ProblemAlert error={payments.error} onRetry={() => void payments.refetch()} />;
  if (payments.isPending) return <Skeleton h={80} aria-busy="true" aria-label="Loading payments" />;
  const rows: Row[] = [
    ...payments.data.items.map((p) => ({
      id: p.id,
      at: p.createdAt,
      what: 'Payment',
      method: `${METHOD_LABELS[p.method] ?? p.method}${p.provider === 'test' ? ' (test mode)' : ''}`,
      amount: p.amount,
      currency: p.currency,
      status: p.status,
      note:
        p.refundedAmount > 0
          ? `${formatMoney(p.refundedAmount, p.currency)} refunded`
          : (p.failureReason ?? p.reference),
    })),
    ...payments.data.refunds.map((r) => ({
      id: r.id,
      at: r.createdAt,
      what: 'Refund',
      method: METHOD_LABELS[r.method] ?? r.method,
      amount: r.amount,
      currency: r.currency,
      status: r.status,
      note: r.failureReason ?? r.reason,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No payments yet.
      </Text>
    );
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" aria-label="Payments and refunds">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Note</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.id}>
                <Table.Td>
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {timeFormat.format(new Date(row.at))}
                  </Text>
                </Table.Td>
                <Table.Td>{row.what}</Table.Td>
                <Table.Td>{row.method}</Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatMoney(row.amount, row.currency)}
                </Table.Td>
                <Table.Td>
                  <Badge
                    variant="dot"
                    size="sm"
                    color={PAYMENT_STATUS_COLORS[row.status] ?? 'gray'}
                  >
                    {row.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {row.note ?? ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

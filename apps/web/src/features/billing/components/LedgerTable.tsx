// The account's ledger: every charge, payment, refund and adjustment with the running balance.
import { Badge, Button, EmptyState, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { IconHistory } from '../../../components/icons.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useLedger } from '../api/ledger.ts';
import { formatMoney, KIND_LABELS } from './money.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

const KIND_COLORS: Record<string, string> = {
  charge: 'blue',
  payment: 'teal',
  refund: 'grape',
  adjustment: 'gray',
};

export function LedgerTable(props: { studentId: string | null }) {
  const ledger = useLedger(props.studentId);
  const entries = ledger.data?.pages.flatMap((page) => page.items) ?? [];
  if (ledger.isError) {
    return <ProblemAlert error={ledger.error} onRetry={() => void ledger.refetch()} />;
  }
  if (ledger.isPending) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label="Loading the ledger">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} h={32} />
        ))}
      </Stack>
    );
  }
  if (entries.length === 0) {
    return (
      <EmptyState
        py="lg"
        icon={<IconHistory size={28} />}
        variant="light"
        title="No activity yet"
        description="Charges appear here when you register for classes."
      />
    );
  }
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" highlightOnHover aria-label="Ledger" data-testid="ledger-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Date</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th ta="right">Amount</Table.Th>
              <Table.Th ta="right">Balance</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.id} data-kind={entry.kind}>
                <Table.Td>
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {dateFormat.format(new Date(entry.postedAt))}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" size="sm" color={KIND_COLORS[entry.kind] ?? 'gray'}>
                    {KIND_LABELS[entry.kind] ?? entry.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{entry.description}</Text>
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  <Text size="sm" c={entry.amount < 0 ? 'teal.8' : undefined}>
                    {formatMoney(entry.amount, entry.currency)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  <Text size="sm">{formatMoney(entry.balanceAfter, entry.currency)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {ledger.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            onClick={() => void ledger.fetchNextPage()}
            loading={ledger.isFetchingNextPage}
          >
            Show older entries
          </Button>
        </Group>
      )}
    </Stack>
  );
}

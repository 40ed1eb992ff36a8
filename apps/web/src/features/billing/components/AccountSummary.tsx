// Balance, amount past due and the next due date, then each term's net charges.
import { Badge, Paper, SimpleGrid, Skeleton, Stack, Table, Text } from '@mantine/core';
import type { Account } from '../api/types.ts';
import { formatMoney } from './money.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** YYYY-MM-DD read as a calendar date (no time-zone shift). */
export function formatDay(day: string): string {
  return dateFormat.format(new Date(`${day}T00:00:00Z`));
}

function Stat(props: {
  label: string;
  value: string;
  hint?: string;
  color?: string;
  testId: string;
}) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text fz={26} fw={700} c={props.color} data-testid={props.testId}>
        {props.value}
      </Text>
      {props.hint && (
        <Text size="xs" c="dimmed">
          {props.hint}
        </Text>
      )}
    </Stack>
  );
}

export function AccountSummarySkeleton() {
  return <Skeleton h={110} aria-busy="true" aria-label="Loading the account" />;
}

export function AccountSummary(props: { account: Account }) {
  const { account } = props;
  const credit = account.balance < 0;
  return (
    <Stack gap="md">
      <Paper withBorder p="lg">
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="lg">
          <Stat
            label={credit ? 'Credit balance' : 'Balance'}
            value={formatMoney(Math.abs(account.balance), account.currency)}
            hint={
              credit
                ? 'You are owed this amount'
                : account.balance === 0
                  ? 'Nothing owed'
                  : undefined
            }
            color={credit ? 'teal.8' : undefined}
            testId="account-balance"
          />
          <Stat
            label="Past due"
            value={formatMoney(account.pastDue, account.currency)}
            color={account.pastDue > 0 ? 'red.7' : undefined}
            testId="account-past-due"
          />
          <Stat
            label="Next due date"
            value={account.nextDueDate ? formatDay(account.nextDueDate) : '—'}
            testId="account-next-due"
          />
        </SimpleGrid>
      </Paper>
      {account.terms.length > 0 && (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing="xs" aria-label="Charges by term">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Term</Table.Th>
                <Table.Th ta="right">Net charges</Table.Th>
                <Table.Th>Due</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {account.terms.map((term) => (
                <Table.Tr key={`${term.termId}-${term.currency}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {term.termName}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {term.termCode}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatMoney(term.net, term.currency)}
                  </Table.Td>
                  <Table.Td>
                    {term.dueDate ? (
                      <Badge variant="light" color="gray">
                        {formatDay(term.dueDate)}
                      </Badge>
                    ) : (
                      <Text size="sm" c="dimmed">
                        On receipt
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

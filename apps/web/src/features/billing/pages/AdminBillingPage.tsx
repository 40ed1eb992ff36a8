// The bursar's desk: students with a balance (past due ones on request), and a way to open any
// student's account to record a payment, refund a credit or post an adjustment.
import {
  Anchor,
  Autocomplete,
  Button,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { IconSearch } from '../../../components/icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { listUsers } from '../../identity/api/users-list.ts';
import { useBalances } from '../api/balances.ts';
import { IconCoins } from '../components/billing-icons.tsx';
import { formatMoney } from '../components/money.ts';

/** Finds any student by name, email or number (the identity directory), to open their account. */
function StudentFinder() {
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text, 250);
  const navigate = useNavigate();
  const users = useQuery({
    queryKey: ['billing', 'student-finder', q],
    queryFn: ({ signal }) => listUsers({ q, role: 'student', limit: 10 }, signal),
    enabled: q.trim().length >= 2,
  });
  const options = (users.data?.items ?? []).map((u) => ({
    value: u.id,
    label: `${u.name} · ${u.email}${u.student ? ` · ${u.student.studentNumber}` : ''}`,
  }));
  return (
    <Autocomplete
      label="Open a student's account"
      placeholder="Name, email or student number"
      leftSection={<IconSearch size={16} />}
      value={text}
      onChange={setText}
      data={options}
      filter={({ options: all }) => all}
      onOptionSubmit={(id) => void navigate(`/admin/billing/${id}`)}
      style={{ flex: '1 1 280px' }}
    />
  );
}

export function AdminBillingPage() {
  const [search, setSearch] = useState('');
  const [pastDue, setPastDue] = useState(false);
  const [q] = useDebouncedValue(search, 300);
  const balances = useBalances({ q: q.trim(), pastDue });
  const rows = balances.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title="Student accounts"
        description="Balances, payments received and refunds. Tuition rates are set per term."
        actions={
          <Button component={Link} to="/admin/tuition" variant="default">
            Tuition setup
          </Button>
        }
      />
      <Stack gap="lg">
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <StudentFinder />
        </Paper>
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Stack gap="md">
            <Group gap="md" align="flex-end" wrap="wrap">
              <TextInput
                label="Filter balances"
                placeholder="Name, email or student number"
                type="search"
                leftSection={<IconSearch size={16} />}
                value={search}
                onChange={(event) => setSearch(event.currentTarget.value)}
                style={{ flex: '1 1 240px' }}
              />
              <Switch
                label="Past due only"
                checked={pastDue}
                onChange={(event) => setPastDue(event.currentTarget.checked)}
                mb={8}
              />
            </Group>
            {balances.isError && (
              <ProblemAlert error={balances.error} onRetry={() => void balances.refetch()} />
            )}
            {balances.isPending ? (
              <Stack gap="xs" aria-busy="true" aria-label="Loading balances">
                {Array.from({ length: 5 }, (_, index) => (
                  <Skeleton key={index} h={36} />
                ))}
              </Stack>
            ) : rows.length === 0 ? (
              <EmptyState
                py="xl"
                icon={<IconCoins size={28} />}
                variant="light"
                title={pastDue ? 'Nobody is past due' : 'No open balances'}
                description="Students appear here once they owe something or have a credit."
              />
            ) : (
              <Table.ScrollContainer minWidth={640}>
                <Table highlightOnHover verticalSpacing="sm" aria-label="Balances">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Student</Table.Th>
                      <Table.Th>Number</Table.Th>
                      <Table.Th ta="right">Balance</Table.Th>
                      <Table.Th ta="right">Past due</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((row) => (
                      <Table.Tr key={`${row.studentId}-${row.currency}`}>
                        <Table.Td>
                          <Anchor component={Link} to={`/admin/billing/${row.studentId}`} fw={500}>
                            {row.name}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {row.email}
                          </Text>
                        </Table.Td>
                        <Table.Td>{row.studentNumber}</Table.Td>
                        <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          <Text size="sm" c={row.balance < 0 ? 'teal.8' : undefined}>
                            {formatMoney(row.balance, row.currency)}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          <Text size="sm" c={row.pastDue > 0 ? 'red.7' : 'dimmed'}>
                            {formatMoney(row.pastDue, row.currency)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            {balances.hasNextPage && (
              <Group justify="center">
                <Button
                  variant="default"
                  onClick={() => void balances.fetchNextPage()}
                  loading={balances.isFetchingNextPage}
                >
                  Load more
                </Button>
              </Group>
            )}
          </Stack>
        </Paper>
      </Stack>
    </>
  );
}

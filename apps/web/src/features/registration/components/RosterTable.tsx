// A section's roster or wait-list as a table, with the CSV download.
import { Badge, Group, Paper, Table, Text } from '@mantine/core';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { DownloadButton } from '../../../components/DownloadButton.tsx';
import { fetchRosterCsv, useRoster } from '../api/staff.ts';
import { timeLeft } from './format.ts';

export function RosterTable(props: { sectionId: string; kind: 'roster' | 'waitlist' }) {
  const roster = useRoster(props.sectionId, props.kind);
  const rows = roster.data?.items ?? [];
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>
          {props.kind === 'roster' ? 'Enrolled' : 'Wait-list'} · {rows.length}
        </Text>
        <DownloadButton
          size="xs"
          variant="default"
          file={() =>
            fetchRosterCsv(
              props.sectionId,
              props.kind,
              `${roster.data?.code.replace(/\s+/g, '-') ?? 'section'}-${props.kind}.csv`,
            )
          }
        >
          Download CSV
        </DownloadButton>
      </Group>
      {roster.isError && <ProblemAlert error={roster.error} />}
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" striped>
          <Table.Thead>
            <Table.Tr>
              {props.kind === 'waitlist' && <Table.Th>#</Table.Th>}
              <Table.Th>Student</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Program</Table.Th>
              <Table.Th>Standing</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.registrationId}>
                {props.kind === 'waitlist' && <Table.Td>{row.waitlistPosition ?? ''}</Table.Td>}
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {row.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {row.email}
                  </Text>
                </Table.Td>
                <Table.Td>{row.studentNumber}</Table.Td>
                <Table.Td>{row.program ?? '—'}</Table.Td>
                <Table.Td>{row.classStanding}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={row.status === 'enrolled' ? 'teal' : 'yellow'}>
                    {row.status}
                  </Badge>
                  {row.offerExpiresAt && (
                    <Text size="xs" c="dimmed">
                      offer {timeLeft(row.offerExpiresAt)}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {roster.isSuccess && rows.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="sm">
          Nobody yet.
        </Text>
      )}
    </Paper>
  );
}

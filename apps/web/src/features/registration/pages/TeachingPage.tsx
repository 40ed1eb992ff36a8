// An instructor's sections in a term, each with its live seats, leading to roster and wait-list.
import { Anchor, Paper, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useMe } from '../../identity/api/me.ts';
import { useSectionSearch } from '../api/catalog.ts';
import { formatMeetings } from '../components/format.ts';
import { LiveUpdatesProvider } from '../components/LiveUpdates.tsx';
import { SeatBadge } from '../components/SeatBadge.tsx';
import { TermPicker, useSelectedTerm } from '../components/TermPicker.tsx';

export function TeachingPage() {
  const me = useMe();
  const selected = useSelectedTerm();
  const { termId } = selected;
  const sections = useSectionSearch(termId, '', { instructor: me.data?.name ?? '' });
  const mine = (sections.data?.items ?? []).filter((s) =>
    s.instructors.some((i) => i.userId === me.data?.id || i.name === me.data?.name),
  );

  if (selected.terms.isPending) return <PageLoader label="Loading terms…" />;
  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="My sections"
        description="Rosters, wait-lists and permits of the sections you teach."
        actions={<TermPicker selected={selected} />}
      />
      {sections.isError && <ProblemAlert error={sections.error} />}
      {sections.isSuccess && mine.length === 0 && (
        <Text c="dimmed">You teach no sections in this term.</Text>
      )}
      {mine.length > 0 && (
        <Paper withBorder radius="md">
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Section</Table.Th>
                <Table.Th>Meets</Table.Th>
                <Table.Th>Seats</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {mine.map((section) => (
                <Table.Tr key={section.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/teaching/sections/${section.id}`} fw={600}>
                      {section.code}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {section.title}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatMeetings(section.meetings)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <SeatBadge
                      sectionId={section.id}
                      loaded={section.seats}
                      capacity={section.capacity}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </LiveUpdatesProvider>
  );
}

// One section for its instructor (or an admin): roster, wait-list and permits to grant.
import {
  Button,
  Group,
  MultiSelect,
  Paper,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { useSection } from '../api/catalog.ts';
import { useGrantPermit, usePermits } from '../api/staff.ts';
import { formatMeetings } from '../components/format.ts';
import { LiveUpdatesProvider } from '../components/LiveUpdates.tsx';
import { RosterTable } from '../components/RosterTable.tsx';
import { SeatBadge } from '../components/SeatBadge.tsx';

export const OVERRIDE_OPTIONS = [
  { value: 'capacity', label: 'Capacity (a seat beyond the limit)' },
  { value: 'prerequisite', label: 'Prerequisite' },
  { value: 'corequisite', label: 'Corequisite' },
  { value: 'time_conflict', label: 'Time conflict' },
  { value: 'restriction', label: 'Restriction (standing, program)' },
  { value: 'credit_limit', label: 'Credit limit (admin)' },
  { value: 'hold', label: 'Hold (admin)' },
  { value: 'window', label: 'Registration window (admin)' },
];

function PermitsPanel(props: { sectionId: string }) {
  const permits = usePermits(props.sectionId);
  const grant = useGrantPermit(props.sectionId);
  const form = useForm({
    initialValues: { studentId: '', overrides: [] as string[], note: '' },
    validate: {
      studentId: (v) => (v.trim() ? null : 'The student ID is required'),
      overrides: (v) => (v.length > 0 ? null : 'Choose at least one rule to waive'),
    },
  });
  return (
    <Stack>
      <Paper withBorder radius="md" p="md">
        <Title order={3} size="h5" mb="sm">
          Grant a permit
        </Title>
        <form
          onSubmit={form.onSubmit((values) =>
            grant.mutate(
              {
                studentId: values.studentId.trim(),
                overrides: values.overrides as never,
                ...(values.note ? { note: values.note } : {}),
              },
              {
                onSuccess: () => {
                  notifications.show({ color: 'teal', message: 'Permit granted.' });
                  form.reset();
                },
              },
            ),
          )}
        >
          <Group align="flex-end">
            <TextInput label="Student ID" w={320} {...form.getInputProps('studentId')} />
            <MultiSelect
              label="Rules to waive"
              data={OVERRIDE_OPTIONS}
              w={320}
              {...form.getInputProps('overrides')}
            />
            <TextInput label="Note" w={220} {...form.getInputProps('note')} />
            <Button type="submit" loading={grant.isPending}>
              Grant
            </Button>
          </Group>
          {grant.isError && <ProblemAlert error={grant.error} />}
        </form>
      </Paper>
      {permits.isError && <ProblemAlert error={permits.error} />}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Student</Table.Th>
            <Table.Th>Waives</Table.Th>
            <Table.Th>Note</Table.Th>
            <Table.Th>Granted</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(permits.data?.items ?? []).map((permit) => (
            <Table.Tr key={permit.id}>
              <Table.Td>{permit.studentName ?? permit.studentId}</Table.Td>
              <Table.Td>{permit.overrides.join(', ')}</Table.Td>
              <Table.Td>{permit.note ?? ''}</Table.Td>
              <Table.Td>{new Date(permit.grantedAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export function SectionRosterPage() {
  const { sectionId = '' } = useParams();
  const section = useSection(sectionId);
  if (section.isPending) return <PageLoader label="Loading the section…" />;
  if (section.isError) return <ProblemAlert error={section.error} />;
  const data = section.data;
  return (
    <LiveUpdatesProvider termId={data.termId}>
      <PageHeader
        title={data.code}
        description={`${data.title} · ${formatMeetings(data.meetings)} · capacity ${data.capacity}, wait-list ${data.waitlistCapacity}`}
        actions={<SeatBadge sectionId={data.id} loaded={data.seats} capacity={data.capacity} />}
      />
      <Tabs defaultValue="roster">
        <Tabs.List mb="md">
          <Tabs.Tab value="roster">Roster</Tabs.Tab>
          <Tabs.Tab value="waitlist">Wait-list</Tabs.Tab>
          <Tabs.Tab value="permits">Permits</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="roster">
          <RosterTable sectionId={data.id} kind="roster" />
        </Tabs.Panel>
        <Tabs.Panel value="waitlist">
          <RosterTable sectionId={data.id} kind="waitlist" />
        </Tabs.Panel>
        <Tabs.Panel value="permits">
          <PermitsPanel sectionId={data.id} />
          <Text size="xs" c="dimmed" mt="sm">
            A permit lets the student register for this section themselves despite the rules it
            waives. Every permit is audited.
          </Text>
        </Tabs.Panel>
      </Tabs>
    </LiveUpdatesProvider>
  );
}

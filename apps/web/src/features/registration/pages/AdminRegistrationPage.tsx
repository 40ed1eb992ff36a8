// The registrar's desk: a student's holds and registrations (register or drop on their behalf,
// with overrides), time tickets, section capacity and the audit log with filters.
import '@mantine/dates/styles.css';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError, isApiError } from '../../../lib/api.ts';
import { useUsers } from '../../identity/api/users-list.ts';
import { updateSectionCapacity } from '../api/catalog.ts';
import {
  useAuditLog,
  useDropOnBehalf,
  useHolds,
  useLiftHold,
  usePlaceHold,
  useRegisterOnBehalf,
  useSaveTimeTickets,
  useStudentRegistrations,
  useTimeTickets,
} from '../api/staff.ts';
import type { Hold, Section } from '../api/types.ts';
import { BlockerList } from '../components/BlockerList.tsx';
import { formatMeetings } from '../components/format.ts';
import { LiveUpdatesProvider } from '../components/LiveUpdates.tsx';
import { SectionSearch } from '../components/SectionSearch.tsx';
import { TermPicker, useSelectedTerm } from '../components/TermPicker.tsx';
import { StatusBadge } from './MyRegistrationsPage.tsx';
import { OVERRIDE_OPTIONS } from './SectionRosterPage.tsx';

const HOLD_TYPES = ['academic', 'financial', 'advising', 'disciplinary', 'administrative'];

function StudentPicker(props: { value: string | null; onChange: (id: string) => void }) {
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text, 250);
  const users = useUsers({ q, role: 'student' });
  const options = (users.data?.pages[0]?.items ?? []).slice(0, 20);
  return (
    <Select
      label="Student"
      placeholder="Search by name or email"
      searchable
      searchValue={text}
      onSearchChange={setText}
      filter={({ options: all }) => all}
      data={options.map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }))}
      value={props.value}
      onChange={(value) => value && props.onChange(value)}
      w={420}
      nothingFoundMessage={q ? 'No student matches' : 'Type a name or email'}
    />
  );
}

function HoldsPanel(props: { studentId: string }) {
  const holds = useHolds(props.studentId);
  const place = usePlaceHold(props.studentId);
  const lift = useLiftHold(props.studentId);
  const [type, setType] = useState<string | null>('administrative');
  const [reason, setReason] = useState('');
  const [blocks, setBlocks] = useState(true);
  const active = (holds.data?.items ?? []).filter((h: Hold) => !h.liftedAt);
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb="sm">
        Holds
      </Title>
      {holds.isError && <ProblemAlert error={holds.error} />}
      {active.length === 0 && holds.isSuccess && (
        <Text size="sm" c="dimmed" mb="sm">
          No active holds.
        </Text>
      )}
      <Stack gap={6} mb="sm">
        {active.map((hold) => (
          <Group key={hold.id} justify="space-between">
            <Text size="sm">
              <Badge variant="light" mr={6}>
                {hold.type}
              </Badge>
              {hold.reason}
              {hold.blocksRegistration ? ' · blocks registration' : ''}
            </Text>
            <Button
              size="xs"
              variant="light"
              loading={lift.isPending && lift.variables?.holdId === hold.id}
              onClick={() => lift.mutate({ holdId: hold.id, note: 'Lifted at the registrar desk' })}
            >
              Lift
            </Button>
          </Group>
        ))}
      </Stack>
      <Group align="flex-end">
        <Select label="Type" data={HOLD_TYPES} value={type} onChange={setType} w={170} />
        <TextInput
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          w={300}
        />
        <Switch
          label="Blocks registration"
          checked={blocks}
          onChange={(e) => setBlocks(e.currentTarget.checked)}
        />
        <Button
          disabled={!type || !reason.trim()}
          loading={place.isPending}
          onClick={() =>
            place.mutate(
              { type: type as Hold['type'], reason: reason.trim(), blocksRegistration: blocks },
              { onSuccess: () => setReason('') },
            )
          }
        >
          Place hold
        </Button>
      </Group>
      {(place.isError || lift.isError) && <ProblemAlert error={place.error ?? lift.error} />}
    </Paper>
  );
}

function OnBehalfPanel(props: { studentId: string; termId: string }) {
  const registrations = useStudentRegistrations(props.studentId, props.termId);
  const register = useRegisterOnBehalf(props.studentId, props.termId);
  const drop = useDropOnBehalf(props.studentId, props.termId);
  const [overrides, setOverrides] = useState<string[]>([]);
  const live = (registrations.data?.items ?? []).filter(
    (r) => r.status !== 'dropped' && r.status !== 'withdrawn',
  );
  const onRegister = (section: Section) =>
    register.mutate(
      { sectionId: section.id, overrides },
      {
        onSuccess: (data) =>
          notifications.show({
            color: 'teal',
            message: `${section.code}: ${data.registration.status}`,
          }),
      },
    );
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb="sm">
        Registrations this term
      </Title>
      {registrations.isError && <ProblemAlert error={registrations.error} />}
      <Table mb="md">
        <Table.Tbody>
          {live.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td fw={600}>{r.section.code}</Table.Td>
              <Table.Td>{formatMeetings(r.section.meetings)}</Table.Td>
              <Table.Td>
                <StatusBadge registration={r} />
              </Table.Td>
              <Table.Td>
                {r.overrides.length > 0 ? `overrides: ${r.overrides.join(', ')}` : ''}
              </Table.Td>
              <Table.Td ta="right">
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Drop ${r.section.code}`}
                  onClick={() => drop.mutate(r.id)}
                >
                  ×
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <MultiSelect
        label="Overrides to apply"
        description="Rules to waive for the registration you make now; every one is audited."
        data={OVERRIDE_OPTIONS}
        value={overrides}
        onChange={setOverrides}
        mb="sm"
        maw={520}
      />
      {register.isError &&
        (isApiError(register.error) && register.error.code === 'registration_blocked' ? (
          <BlockerList
            blockers={register.error.errors.map((e) => ({
              code: e.code as never,
              message: e.message,
              sectionId: e.sectionId ?? '',
            }))}
          />
        ) : (
          <ProblemAlert error={register.error} />
        ))}
      <SectionSearch
        termId={props.termId}
        taken={new Set()}
        action={(section) => (
          <Button
            size="xs"
            variant="light"
            loading={register.isPending && register.variables?.sectionId === section.id}
            onClick={() => onRegister(section)}
          >
            Register
          </Button>
        )}
      />
    </Paper>
  );
}

function TimeTicketsPanel(props: { termId: string }) {
  const tickets = useTimeTickets(props.termId);
  const save = useSaveTimeTickets(props.termId);
  const [rows, setRows] = useState<
    Array<{ minCreditsEarned: number | null; opensAt: Date | null }> | undefined
  >();
  const current =
    rows ??
    (tickets.data?.rules ?? []).map((r) => ({
      minCreditsEarned: r.minCreditsEarned,
      opensAt: new Date(r.opensAt),
    }));
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed" mb="sm">
        Students with at least the credits of a row may register from its time; the earliest
        matching row wins, and students below every row go last.
      </Text>
      {tickets.isError && <ProblemAlert error={tickets.error} />}
      <Stack gap="xs">
        {current.map((row, index) => (
          <Group key={index} align="flex-end">
            <NumberInput
              label="Minimum credits earned"
              value={row.minCreditsEarned ?? ''}
              min={0}
              w={200}
              onChange={(value) =>
                setRows(
                  current.map((r, i) =>
                    i === index
                      ? { ...r, minCreditsEarned: value === '' ? null : Number(value) }
                      : r,
                  ),
                )
              }
            />
            <DateTimePicker
              label="Opens at"
              value={row.opensAt}
              w={240}
              onChange={(value) =>
                setRows(
                  current.map((r, i) =>
                    i === index ? { ...r, opensAt: value ? new Date(value) : null } : r,
                  ),
                )
              }
            />
            <Button
              variant="subtle"
              color="red"
              onClick={() => setRows(current.filter((_, i) => i !== index))}
            >
              Remove
            </Button>
          </Group>
        ))}
      </Stack>
      <Group mt="md">
        <Button
          variant="default"
          onClick={() => setRows([...current, { minCreditsEarned: 0, opensAt: new Date() }])}
        >
          Add a row
        </Button>
        <Button
          loading={save.isPending}
          disabled={current.some((r) => !r.opensAt)}
          onClick={() =>
            save.mutate(
              current.map((r) => ({
                minCreditsEarned: r.minCreditsEarned,
                classStanding: null,
                opensAt: r.opensAt!.toISOString(),
              })),
              {
                onSuccess: () => {
                  setRows(undefined);
                  notifications.show({ color: 'teal', message: 'Time tickets saved.' });
                },
              },
            )
          }
        >
          Save time tickets
        </Button>
      </Group>
      {save.isError && <ProblemAlert error={save.error} />}
    </Paper>
  );
}

function CapacityPanel(props: { termId: string }) {
  const [capacity, setCapacity] = useState<Record<string, number>>({});
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed" mb="sm">
        Raising a capacity promotes students from the wait-list at once (auto sections) or offers
        them the seats (claim sections). It cannot go below the seats already taken.
      </Text>
      <SectionSearch
        termId={props.termId}
        taken={new Set()}
        action={(section) => (
          <Group gap={6} wrap="nowrap">
            <NumberInput
              size="xs"
              w={90}
              min={0}
              aria-label={`Capacity of ${section.code}`}
              value={capacity[section.id] ?? section.capacity}
              onChange={(value) => setCapacity({ ...capacity, [section.id]: Number(value) })}
            />
            <Button
              size="xs"
              variant="light"
              onClick={() =>
                void updateSectionCapacity(section.id, capacity[section.id] ?? section.capacity)
                  .then(() =>
                    notifications.show({ color: 'teal', message: `${section.code} updated.` }),
                  )
                  .catch((error: unknown) =>
                    notifications.show({ color: 'red', message: describeError(error) }),
                  )
              }
            >
              Set
            </Button>
          </Group>
        )}
      />
    </Paper>
  );
}

function AuditPanel() {
  const [filters, setFilters] = useState({ studentId: '', sectionId: '', action: '', outcome: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const active = Object.fromEntries(Object.entries(filters).filter(([, v]) => v.trim() !== ''));
  const audit = useAuditLog(active, cursors.at(-1));
  return (
    <Paper withBorder radius="md" p="md">
      <Group align="flex-end" mb="sm">
        {(['studentId', 'sectionId', 'action', 'outcome'] as const).map((key) => (
          <TextInput
            key={key}
            label={key}
            value={filters[key]}
            onChange={(e) => {
              setFilters({ ...filters, [key]: e.currentTarget.value });
              setCursors([]);
            }}
            w={key.endsWith('Id') ? 300 : 140}
          />
        ))}
      </Group>
      {audit.isError && <ProblemAlert error={audit.error} />}
      <Table.ScrollContainer minWidth={800}>
        <Table verticalSpacing={4} striped data-testid="audit-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Section</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Blockers</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(audit.data?.items ?? []).map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>{new Date(entry.at).toLocaleString()}</Table.Td>
                <Table.Td>{entry.actorName ?? entry.actorId ?? 'system'}</Table.Td>
                <Table.Td>{entry.action}</Table.Td>
                <Table.Td>{entry.sectionCode ?? ''}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={entry.outcome === 'refused' ? 'red' : 'teal'}>
                    {entry.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>{entry.blockerCodes.join(', ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group mt="sm">
        <Button
          variant="default"
          size="xs"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!audit.data?.nextCursor}
          onClick={() => audit.data?.nextCursor && setCursors([...cursors, audit.data.nextCursor])}
        >
          Older
        </Button>
      </Group>
    </Paper>
  );
}

export function AdminRegistrationPage() {
  const selected = useSelectedTerm();
  const { termId } = selected;
  const [params, setParams] = useSearchParams();
  const studentId = params.get('studentId');
  const tab = params.get('tab') ?? 'student';
  const setParam = (key: string, value: string) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      next.set(key, value);
      return next;
    });
  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="Registration desk"
        description="Holds, registrations on a student's behalf, time tickets, capacity and the audit log."
        actions={<TermPicker selected={selected} />}
      />
      <Tabs value={tab} onChange={(value) => value && setParam('tab', value)}>
        <Tabs.List mb="md">
          <Tabs.Tab value="student">Student</Tabs.Tab>
          <Tabs.Tab value="tickets">Time tickets</Tabs.Tab>
          <Tabs.Tab value="capacity">Capacity</Tabs.Tab>
          <Tabs.Tab value="audit">Audit log</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="student">
          <Stack>
            <StudentPicker value={studentId} onChange={(id) => setParam('studentId', id)} />
            {studentId && <HoldsPanel studentId={studentId} />}
            {studentId && termId && <OnBehalfPanel studentId={studentId} termId={termId} />}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="tickets">{termId && <TimeTicketsPanel termId={termId} />}</Tabs.Panel>
        <Tabs.Panel value="capacity">{termId && <CapacityPanel termId={termId} />}</Tabs.Panel>
        <Tabs.Panel value="audit">{tab === 'audit' && <AuditPanel />}</Tabs.Panel>
      </Tabs>
    </LiveUpdatesProvider>
  );
}

// A section: when and where it meets, who teaches it, how many seats are left and how long the
// wait-list is, seats held for groups, and the sections it must be taken with.
import {
  Anchor,
  Badge,
  Button,
  Group,
  List,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError } from '../../../lib/api.ts';
import { useMe } from '../../identity/api/me.ts';
import { useAddToCart } from '../../registration/api/cart.ts';
import { LiveUpdatesProvider, useSeatCounts } from '../../registration/components/LiveUpdates.tsx';
import { useCourseSections } from '../api/courses.ts';
import { useTerms } from '../api/terms.ts';
import { useSection } from '../api/sections.ts';
import type { Section } from '../api/types.ts';
import {
  formatCredits,
  formatDate,
  formatInstant,
  formatMeeting,
  KIND_LABELS,
} from '../components/format.ts';

function SeatFigures(props: { section: Section }) {
  const { section } = props;
  const seats = useSeatCounts(section.id, section.seats) ?? section.seats;
  const figure = (label: string, value: number | string, testId?: string) => (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={22} fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
      {figure(
        'Seats left',
        section.status === 'cancelled' ? 0 : seats.available,
        'seats-available',
      )}
      {figure('Enrolled', `${seats.enrolled} / ${section.capacity}`)}
      {figure(
        'On the wait-list',
        `${seats.waitlisted} / ${section.waitlistCapacity}`,
        'waitlist-size',
      )}
      {figure('Wait-list', section.waitlistMode === 'claim' ? 'Offer to claim' : 'Automatic')}
    </SimpleGrid>
  );
}

export function SectionPage() {
  const { sectionId } = useParams();
  const section = useSection(sectionId);
  const terms = useTerms();
  const me = useMe();
  const s = section.data;
  const siblings = useCourseSections(s?.courseId, s?.termId ?? null);
  const add = useAddToCart(s?.termId ?? null);

  if (section.isPending) return <Skeleton h={280} aria-label="Loading section" />;
  if (section.isError || !s) return <ProblemAlert error={section.error} />;
  const term = terms.data?.items.find((t) => t.id === s.termId);
  const zone = term?.timeZone ?? 'UTC';
  const linked = s.linkedGroup
    ? (siblings.data?.items ?? []).filter(
        (other) => other.linkedGroup === s.linkedGroup && other.id !== s.id,
      )
    : [];
  const linkedKinds = [...new Set(linked.map((other) => other.kind))];

  return (
    <LiveUpdatesProvider termId={s.termId}>
      <Anchor component={Link} to={`/catalog/courses/${s.courseId}?termId=${s.termId}`} size="sm">
        ← {s.code.replace(` ${s.sectionCode}`, '')}
      </Anchor>
      <PageHeader
        title={`${s.code}: ${s.title}`}
        description={
          <Group gap={6} component="span">
            <Badge variant="light">{KIND_LABELS[s.kind]}</Badge>
            <Badge variant="light" color="gray">
              CRN {s.crn}
            </Badge>
            <Badge variant="light" color="gray">
              {formatCredits(s.credits)}
            </Badge>
            {term && (
              <Badge variant="light" color="gray">
                {term.name}
              </Badge>
            )}
            {s.status === 'cancelled' && <Badge color="red">Cancelled</Badge>}
          </Group>
        }
        actions={
          me.data?.roles.includes('student') && s.status === 'active' ? (
            <Button
              loading={add.isPending}
              onClick={() =>
                add.mutate(s.id, {
                  onSuccess: () =>
                    notifications.show({ color: 'teal', message: `${s.code} is in your cart.` }),
                  onError: (error) =>
                    notifications.show({ color: 'red', message: describeError(error) }),
                })
              }
            >
              Add to cart
            </Button>
          ) : undefined
        }
      />
      <Stack gap="md">
        <SeatFigures section={s} />
        <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
          <Title order={2} fz="lg" mb="sm">
            Meetings
          </Title>
          <Table.ScrollContainer minWidth={520}>
            <Table aria-label="Meetings">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Where</Table.Th>
                  <Table.Th>Dates</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.meetings.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={3}>Arranged with the instructor</Table.Td>
                  </Table.Tr>
                )}
                {s.meetings.map((m, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{formatMeeting(m)}</Table.Td>
                    <Table.Td>{m.location ?? '—'}</Table.Td>
                    <Table.Td>
                      {m.startDate || m.endDate
                        ? `${m.startDate ? formatDate(m.startDate) : '…'} – ${m.endDate ? formatDate(m.endDate) : '…'}`
                        : 'Whole term'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {term && (
            <Text size="xs" c="dimmed" mt={4}>
              Times are in {term.timeZone}.
            </Text>
          )}
        </Paper>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
            <Title order={2} fz="lg" mb="sm">
              Instructors
            </Title>
            {s.instructors.length === 0 ? (
              <Text c="dimmed">To be announced</Text>
            ) : (
              <List>
                {s.instructors.map((i, index) => (
                  <List.Item key={index}>{i.name}</List.Item>
                ))}
              </List>
            )}
          </Paper>
          <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
            <Title order={2} fz="lg" mb="sm">
              Reserved seats
            </Title>
            {s.reservedSeats.length === 0 ? (
              <Text c="dimmed">None: every seat is open to all.</Text>
            ) : (
              <List>
                {s.reservedSeats.map((r, index) => (
                  <List.Item key={index}>
                    {r.seats} for {r.label}
                    {r.until ? ` until ${formatInstant(r.until, zone)}` : ''}
                  </List.Item>
                ))}
              </List>
            )}
          </Paper>
        </SimpleGrid>
        {s.linkedGroup && (
          <Paper withBorder p={{ base: 'sm', sm: 'md' }}>
            <Title order={2} fz="lg" mb="sm">
              Taken together
            </Title>
            <Text size="sm" mb="xs">
              Register for this section with one{' '}
              {linkedKinds.map((k) => KIND_LABELS[k].toLowerCase()).join(' and one ') || 'other'}{' '}
              section of group {s.linkedGroup}:
            </Text>
            <Group gap="xs">
              {linked.map((other) => (
                <Anchor key={other.id} component={Link} to={`/catalog/sections/${other.id}`}>
                  {other.code}
                </Anchor>
              ))}
            </Group>
          </Paper>
        )}
      </Stack>
    </LiveUpdatesProvider>
  );
}

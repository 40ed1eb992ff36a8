// My registrations: status, wait-list positions, offers with the time left to accept, drop and
// swap (each confirmed first). Promotions arrive live and refresh this page without a reload.
import { Alert, Badge, Button, Group, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError, isApiError } from '../../../lib/api.ts';
import { useAcceptOffer, useDrop, useMyRegistrations, useSwap } from '../api/registrations.ts';
import type { Registration, Section } from '../api/types.ts';
import { AdmissionStatus } from '../components/AdmissionStatus.tsx';
import { BlockerList } from '../components/BlockerList.tsx';
import { formatCredits, formatMeetings, timeLeft } from '../components/format.ts';
import { LiveUpdatesProvider, useLiveState } from '../components/LiveUpdates.tsx';
import { SectionSearch } from '../components/SectionSearch.tsx';
import { TermPicker, useSelectedTerm } from '../components/TermPicker.tsx';

const STATUS_COLORS: Record<string, string> = {
  enrolled: 'teal',
  waitlisted: 'yellow',
  offered: 'blue',
  pending_payment: 'grape',
  dropped: 'gray',
  withdrawn: 'gray',
};

export function StatusBadge(props: { registration: Registration }) {
  const { registration } = props;
  const label =
    registration.status === 'waitlisted'
      ? `Wait-listed · #${registration.waitlistPosition ?? '?'}`
      : registration.status === 'offered'
        ? 'Seat offered'
        : registration.status.replace('_', ' ');
  return (
    <Badge
      color={STATUS_COLORS[registration.status] ?? 'gray'}
      variant="light"
      data-testid={`status-${registration.section.code}`}
      data-status={registration.status}
    >
      {label}
    </Badge>
  );
}

function LiveIndicator() {
  const state = useLiveState();
  return (
    <Badge
      variant="dot"
      color={state === 'live' ? 'teal' : state === 'connecting' ? 'yellow' : 'gray'}
      data-testid="live-state"
      data-state={state}
    >
      {state === 'live' ? 'Live updates on' : state === 'connecting' ? 'Connecting…' : 'Offline'}
    </Badge>
  );
}

export function MyRegistrationsPage() {
  const selected = useSelectedTerm();
  const { termId } = selected;
  const mine = useMyRegistrations(termId);
  const drop = useDrop(termId);
  const accept = useAcceptOffer(termId);
  const swap = useSwap(termId);
  const [dropping, setDropping] = useState<Registration | undefined>();
  const [swapping, setSwapping] = useState<Registration | undefined>();
  const [swapTarget, setSwapTarget] = useState<Section | undefined>();

  const live = (mine.data?.items ?? []).filter(
    (r) => r.status !== 'dropped' && r.status !== 'withdrawn',
  );
  const past = (mine.data?.items ?? []).filter(
    (r) => r.status === 'dropped' || r.status === 'withdrawn',
  );
  const credits = live.filter((r) => r.status === 'enrolled').reduce((s, r) => s + r.credits, 0);

  if (selected.terms.isPending) return <PageLoader label="Loading terms…" />;
  return (
    <LiveUpdatesProvider termId={termId}>
      <PageHeader
        title="My registrations"
        description={`${formatCredits(credits)} enrolled. Wait-list positions and offers update live.`}
        actions={
          <>
            <LiveIndicator />
            <TermPicker selected={selected} />
          </>
        }
      />
      {mine.isError && <ProblemAlert error={mine.error} onRetry={() => void mine.refetch()} />}
      <AdmissionStatus pending={accept.isPending} retry={accept.retry} />
      {mine.isPending && termId && <PageLoader label="Loading your registrations…" />}
      {mine.isSuccess && live.length === 0 && (
        <Alert color="blue" variant="light">
          You have no registrations in this term yet. Add sections to your cart to register.
        </Alert>
      )}
      {live.length > 0 && (
        <Paper withBorder radius="md" p={0}>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="sm" data-testid="my-registrations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Section</Table.Th>
                  <Table.Th>Meets</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {live.map((registration) => (
                  <Table.Tr
                    key={registration.id}
                    data-testid={`registration-${registration.section.code}`}
                  >
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {registration.section.code}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {registration.section.title} · {formatCredits(registration.credits)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatMeetings(registration.section.meetings)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <StatusBadge registration={registration} />
                        {registration.status === 'offered' && registration.offerExpiresAt && (
                          <Text size="xs" c="blue.8">
                            Accept by {new Date(registration.offerExpiresAt).toLocaleString()} (
                            {timeLeft(registration.offerExpiresAt)})
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        {registration.status === 'offered' && (
                          <Button
                            size="xs"
                            loading={accept.isPending && accept.variables === registration.id}
                            onClick={() =>
                              accept.mutate(registration.id, {
                                onSuccess: ({ registration: accepted }) =>
                                  notifications.show({
                                    color: 'teal',
                                    // Pay-to-enrol terms hold the accepted seat until it is paid.
                                    message:
                                      accepted.status === 'pending_payment' &&
                                      accepted.offerExpiresAt
                                        ? `${registration.section.code} is held for you until ${new Date(accepted.offerExpiresAt).toLocaleString()}: pay for it under Account & payments to keep it.`
                                        : `You are enrolled in ${registration.section.code}.`,
                                  }),
                                onError: (error) =>
                                  notifications.show({
                                    color: 'red',
                                    message: describeError(error),
                                  }),
                              })
                            }
                          >
                            Accept seat
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => {
                            setSwapping(registration);
                            setSwapTarget(undefined);
                            swap.reset();
                          }}
                        >
                          Swap
                        </Button>
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          onClick={() => {
                            setDropping(registration);
                            drop.reset();
                          }}
                        >
                          Drop
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      {past.length > 0 && (
        <Text size="sm" c="dimmed" mt="md">
          Dropped this term: {past.map((r) => `${r.section.code} (${r.status})`).join(', ')}
        </Text>
      )}

      <Modal
        opened={dropping !== undefined}
        onClose={() => setDropping(undefined)}
        title={dropping ? `Drop ${dropping.section.code}?` : ''}
      >
        <Stack>
          <Text size="sm">
            {dropping?.status === 'waitlisted'
              ? 'You leave the wait-list and lose your place in line.'
              : 'Your seat goes to the next student on the wait-list. You may not get it back.'}
          </Text>
          <AdmissionStatus pending={drop.isPending} retry={drop.retry} />
          {drop.isError && <ProblemAlert error={drop.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDropping(undefined)}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={drop.isPending}
              data-testid="confirm-drop"
              onClick={() =>
                dropping &&
                drop.mutate(dropping.id, {
                  onSuccess: () => {
                    notifications.show({ message: `${dropping.section.code} dropped.` });
                    setDropping(undefined);
                  },
                })
              }
            >
              Drop
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal
        opened={swapping !== undefined}
        onClose={() => setSwapping(undefined)}
        title={swapping ? `Swap ${swapping.section.code} for another section` : ''}
        size="xl"
      >
        {termId && swapping && (
          <Stack>
            <Text size="sm">
              Pick the section to take instead. Both happen together: if the new section is refused,
              you keep {swapping.section.code}.
            </Text>
            <SectionSearch
              termId={termId}
              taken={new Set()}
              action={(section) =>
                section.id === swapping.sectionId ? null : (
                  <Button size="xs" variant="light" onClick={() => setSwapTarget(section)}>
                    Choose
                  </Button>
                )
              }
            />
            {swapTarget && (
              <Alert color="blue" variant="light" title="Confirm the swap">
                <Text size="sm" mb="xs">
                  Drop {swapping.section.code} and take {swapTarget.code} (
                  {formatMeetings(swapTarget.meetings)})?
                </Text>
                {swap.isError &&
                  (isApiError(swap.error) && swap.error.errors.length > 0 ? (
                    <BlockerList
                      blockers={swap.error.errors.map((e) => ({
                        code: e.code as never,
                        message: e.message,
                        sectionId: e.sectionId ?? '',
                      }))}
                    />
                  ) : (
                    <ProblemAlert error={swap.error} />
                  ))}
                <AdmissionStatus pending={swap.isPending} retry={swap.retry} />
                <Group justify="flex-end" mt="xs">
                  <Button variant="default" onClick={() => setSwapTarget(undefined)}>
                    Back
                  </Button>
                  <Button
                    loading={swap.isPending}
                    onClick={() =>
                      swap.mutate(
                        { dropRegistrationId: swapping.id, addSectionId: swapTarget.id },
                        {
                          onSuccess: () => {
                            notifications.show({
                              color: 'teal',
                              message: `Swapped ${swapping.section.code} for ${swapTarget.code}.`,
                            });
                            setSwapping(undefined);
                          },
                        },
                      )
                    }
                  >
                    Swap
                  </Button>
                </Group>
              </Alert>
            )}
          </Stack>
        )}
      </Modal>
    </LiveUpdatesProvider>
  );
}

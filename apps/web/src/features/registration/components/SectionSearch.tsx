// Find sections of the term and put them in the cart (or register at once), with live seats.
import { ActionIcon, Button, Group, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { IconPlus, IconSearch } from '../../../components/icons.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { describeError } from '../../../lib/api.ts';
import { useSectionSearch } from '../api/catalog.ts';
import { useAddToCart } from '../api/cart.ts';
import type { Section } from '../api/types.ts';
import { formatMeetings } from './format.ts';
import { SeatBadge } from './SeatBadge.tsx';

export function SectionSearch(props: {
  termId: string;
  /** Sections already in the cart or registered: their buttons say so. */
  taken: ReadonlySet<string>;
  /** A button of the caller's own per row (e.g. "Swap to this"). */
  action?: (section: Section) => ReactNode;
}) {
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 250);
  const search = useSectionSearch(props.termId, q);
  const add = useAddToCart(props.termId);

  return (
    <>
      <TextInput
        placeholder="Search by course code, title or instructor (e.g. CS 225)"
        leftSection={<IconSearch size={16} />}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        mb="sm"
        aria-label="Search sections"
        data-testid="section-search"
      />
      {search.isError && <ProblemAlert error={search.error} />}
      <Table.ScrollContainer minWidth={420}>
        <Table verticalSpacing="xs" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Section</Table.Th>
              <Table.Th>Seats</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(search.data?.items ?? []).map((section) => (
              <Table.Tr key={section.id} data-testid={`search-row-${section.code}`}>
                <Table.Td>
                  <Text fw={600} size="sm">
                    {section.code}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {section.title} · CRN {section.crn}
                  </Text>
                  <Text size="xs">{formatMeetings(section.meetings)}</Text>
                </Table.Td>
                <Table.Td>
                  <SeatBadge
                    sectionId={section.id}
                    loaded={section.seats}
                    capacity={section.capacity}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    {props.action?.(section)}
                    {!props.action &&
                      (props.taken.has(section.id) ? (
                        <Text size="xs" c="dimmed">
                          In your cart or schedule
                        </Text>
                      ) : (
                        <Tooltip label="Add to cart">
                          <ActionIcon
                            variant="light"
                            aria-label={`Add ${section.code} to cart`}
                            loading={add.isPending && add.variables === section.id}
                            onClick={() =>
                              add.mutate(section.id, {
                                onError: (error) =>
                                  notifications.show({
                                    color: 'red',
                                    title: `Could not add ${section.code}`,
                                    message: describeError(error),
                                  }),
                              })
                            }
                          >
                            <IconPlus size={16} />
                          </ActionIcon>
                        </Tooltip>
                      ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {search.data && search.data.items.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          No sections match.
        </Text>
      )}
      {search.isFetching && (
        <Button variant="subtle" loading size="xs" disabled>
          Searching
        </Button>
      )}
    </>
  );
}

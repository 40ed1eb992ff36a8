// Sections as rows: code, title, kind, meetings, instructors, credits and a live seat badge.
import { Anchor, Badge, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { SeatBadge } from '../../registration/components/SeatBadge.tsx';
import type { Section } from '../api/types.ts';
import { formatCredits, formatMeeting, instructorNames, KIND_LABELS } from './format.ts';

export function SectionsTable(props: {
  sections: readonly Section[];
  /** Show the course title column (off on the course page, where it is the heading). */
  showTitle?: boolean;
  /** A button of the caller's own per row. */
  action?: (section: Section) => ReactNode;
  label?: string;
  busy?: boolean;
}) {
  const showTitle = props.showTitle ?? true;
  return (
    <Table.ScrollContainer minWidth={props.action ? 960 : 800}>
      <Table
        verticalSpacing="sm"
        highlightOnHover
        aria-label={props.label ?? 'Sections'}
        aria-busy={props.busy}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Section</Table.Th>
            {showTitle && <Table.Th>Title</Table.Th>}
            <Table.Th>Meets</Table.Th>
            <Table.Th>Instructor</Table.Th>
            <Table.Th>Credits</Table.Th>
            <Table.Th>Seats</Table.Th>
            {props.action && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.sections.map((section) => (
            <Table.Tr key={section.id} data-testid={`section-row-${section.code}`}>
              <Table.Td>
                <Anchor component={Link} to={`/catalog/sections/${section.id}`} fw={600}>
                  {section.code}
                </Anchor>
                <Text size="xs" c="dimmed">
                  CRN {section.crn} · {KIND_LABELS[section.kind]}
                  {section.status === 'cancelled' && (
                    <Badge ml={6} size="xs" color="gray" variant="outline">
                      Cancelled
                    </Badge>
                  )}
                </Text>
              </Table.Td>
              {showTitle && (
                <Table.Td>
                  <Anchor component={Link} to={`/catalog/courses/${section.courseId}`} size="sm">
                    {section.title}
                  </Anchor>
                </Table.Td>
              )}
              <Table.Td>
                <Stack gap={2}>
                  {(section.meetings.length > 0
                    ? section.meetings
                    : [{ days: null, startTime: null, endTime: null, location: null }]
                  ).map((meeting, index) => (
                    <Text size="sm" key={index}>
                      {formatMeeting(meeting)}
                      {meeting.location && (
                        <Text span size="xs" c="dimmed">
                          {' '}
                          · {meeting.location}
                        </Text>
                      )}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{instructorNames(section)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatCredits(section.credits)}</Text>
              </Table.Td>
              <Table.Td miw={150}>
                {section.status === 'cancelled' ? (
                  <Badge color="gray" variant="light">
                    Cancelled
                  </Badge>
                ) : (
                  <SeatBadge
                    sectionId={section.id}
                    loaded={section.seats}
                    capacity={section.capacity}
                  />
                )}
              </Table.Td>
              {props.action && <Table.Td w={1}>{props.action(section)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

// A week of classes: Monday to Sunday columns, hour rows, a block per meeting. Overlapping
// meetings sit side by side, outlined in red, so a conflict is plain to see.
import { Box, Paper, Text, Tooltip } from '@mantine/core';
import type { ScheduleItem } from '../api/types.ts';
import { formatMeeting } from './format.ts';

const DAYS = [
  ['M', 'Mon'],
  ['T', 'Tue'],
  ['W', 'Wed'],
  ['R', 'Thu'],
  ['F', 'Fri'],
  ['S', 'Sat'],
  ['U', 'Sun'],
] as const;
const HOUR_PX = 52;
const COLORS = ['blue', 'teal', 'grape', 'orange', 'cyan', 'pink', 'lime', 'indigo'];

interface Block {
  item: ScheduleItem;
  day: string;
  start: number;
  end: number;
  label: string;
  location: string | null;
  color: string;
  column: number;
  columns: number;
  conflict: boolean;
}

function minutes(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** Meetings as blocks per day, with overlapping ones split into columns. */
export function layoutWeek(items: readonly ScheduleItem[]): Block[] {
  const blocks: Block[] = [];
  items.forEach((item, index) => {
    for (const meeting of item.meetings) {
      if (!meeting.days || !meeting.startTime || !meeting.endTime) continue;
      for (const day of meeting.days) {
        blocks.push({
          item,
          day,
          start: minutes(meeting.startTime),
          end: minutes(meeting.endTime),
          label: formatMeeting(meeting),
          location: meeting.location,
          color: COLORS[index % COLORS.length]!,
          column: 0,
          columns: 1,
          conflict: false,
        });
      }
    }
  });
  for (const [day] of DAYS) {
    const today = blocks.filter((b) => b.day === day).sort((a, b) => a.start - b.start);
    // Groups of transitively overlapping blocks share the width.
    let group: Block[] = [];
    let groupEnd = -1;
    const close = () => {
      const columnsEnd: number[] = [];
      for (const block of group) {
        let column = columnsEnd.findIndex((end) => end <= block.start);
        if (column < 0) column = columnsEnd.length;
        columnsEnd[column] = block.end;
        block.column = column;
      }
      for (const block of group) {
        block.columns = columnsEnd.length;
        block.conflict = group.length > 1;
      }
    };
    for (const block of today) {
      if (block.start >= groupEnd && group.length > 0) {
        close();
        group = [];
      }
      group.push(block);
      groupEnd = Math.max(groupEnd, block.end);
    }
    if (group.length > 0) close();
  }
  return blocks;
}

export function WeekGrid(props: { items: readonly ScheduleItem[] }) {
  const blocks = layoutWeek(props.items);
  const first = Math.min(8 * 60, ...blocks.map((b) => b.start));
  const last = Math.max(18 * 60, ...blocks.map((b) => b.end));
  const startHour = Math.floor(first / 60);
  const endHour = Math.ceil(last / 60);
  const hours = Array.from({ length: endHour - startHour }, (_, i) => startHour + i);
  const height = hours.length * HOUR_PX;

  return (
    <Paper withBorder radius="md" p="sm" style={{ overflowX: 'auto' }} data-testid="week-grid">
      <Box
        style={{
          display: 'grid',
          gridTemplateColumns: '48px repeat(7, minmax(96px, 1fr))',
          minWidth: 760,
        }}
      >
        <div />
        {DAYS.map(([, name]) => (
          <Text key={name} ta="center" fw={600} size="sm" pb={6}>
            {name}
          </Text>
        ))}
        <Box style={{ position: 'relative', height }}>
          {hours.map((hour, i) => (
            <Text
              key={hour}
              size="xs"
              c="dimmed"
              style={{ position: 'absolute', top: i * HOUR_PX - 7, right: 6 }}
            >
              {`${String(hour).padStart(2, '0')}:00`}
            </Text>
          ))}
        </Box>
        {DAYS.map(([letter, name]) => (
          <Box
            key={letter}
            aria-label={name}
            style={{
              position: 'relative',
              height,
              borderLeft: '1px solid var(--mantine-color-gray-3)',
              backgroundImage: `repeating-linear-gradient(to bottom, var(--mantine-color-gray-2) 0 1px, transparent 1px ${HOUR_PX}px)`,
            }}
          >
            {blocks
              .filter((b) => b.day === letter)
              .map((block) => {
                const top = ((block.start - startHour * 60) / 60) * HOUR_PX;
                const blockHeight = Math.max(18, ((block.end - block.start) / 60) * HOUR_PX - 2);
                const width = 100 / block.columns;
                const waiting = block.item.status === 'waitlisted';
                return (
                  <Tooltip
                    key={`${block.item.registrationId}-${block.day}-${block.start}`}
                    label={`${block.item.code} · ${block.label}${block.location ? ` · ${block.location}` : ''}${waiting ? ' · wait-listed' : ''}${block.conflict ? ' · overlaps another class' : ''}`}
                    multiline
                    w={240}
                  >
                    <Box
                      data-testid={`block-${block.item.code}-${letter}`}
                      data-conflict={block.conflict}
                      style={{
                        position: 'absolute',
                        top,
                        height: blockHeight,
                        left: `calc(${block.column * width}% + 2px)`,
                        width: `calc(${width}% - 4px)`,
                        borderRadius: 6,
                        padding: '2px 6px',
                        overflow: 'hidden',
                        background: `var(--mantine-color-${block.color}-${waiting ? 0 : 1})`,
                        border: block.conflict
                          ? '2px solid var(--mantine-color-red-6)'
                          : `1px ${waiting ? 'dashed' : 'solid'} var(--mantine-color-${block.color}-5)`,
                      }}
                    >
                      <Text size="xs" fw={700} lh={1.2} truncate>
                        {block.item.code}
                      </Text>
                      <Text size="10px" lh={1.2} truncate>
                        {block.label.replace(/^[A-Za-z ]+ /, '')}
                        {block.location ? ` · ${block.location}` : ''}
                      </Text>
                    </Box>
                  </Tooltip>
                );
              })}
          </Box>
        ))}
      </Box>
    </Paper>
  );
}

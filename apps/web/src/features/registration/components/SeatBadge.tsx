// Seats left in a section, kept current by the live stream.
import { Badge, Tooltip } from '@mantine/core';
import type { SeatCounts } from '../api/types.ts';
import { useSeatCounts } from './LiveUpdates.tsx';

export function SeatBadge(props: {
  sectionId: string;
  loaded?: Omit<SeatCounts, 'sectionId'> | undefined;
  capacity?: number;
}) {
  const seats = useSeatCounts(props.sectionId, props.loaded);
  if (!seats) return null;
  const color = seats.available === 0 ? 'red' : seats.available <= 5 ? 'orange' : 'teal';
  const label =
    seats.available === 0
      ? seats.waitlisted > 0
        ? `Full · ${seats.waitlisted} waiting`
        : 'Full'
      : `${seats.available} seat${seats.available === 1 ? '' : 's'} left`;
  return (
    <Tooltip
      label={`${seats.enrolled} enrolled${props.capacity !== undefined ? ` of ${props.capacity}` : ''}, ${seats.waitlisted} on the wait-list`}
    >
      <Badge
        color={color}
        variant="light"
        data-testid={`seats-${props.sectionId}`}
        data-available={seats.available}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}

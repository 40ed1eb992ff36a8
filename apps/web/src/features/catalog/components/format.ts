// Words for catalog values, and wall-clock times in a term's time zone for the editors.
import type { Section, SectionKind } from '../api/types.ts';

export { formatMeeting, formatMeetings } from '../../registration/components/format.ts';

export const KIND_LABELS: Record<SectionKind, string> = {
  lecture: 'Lecture',
  lab: 'Lab',
  discussion: 'Discussion',
  seminar: 'Seminar',
  studio: 'Studio',
  online: 'Online',
  independent: 'Independent study',
  other: 'Other',
};

export const DAY_LETTERS = ['M', 'T', 'W', 'R', 'F', 'S', 'U'] as const;
export const DAY_NAMES: Record<string, string> = {
  M: 'Mon',
  T: 'Tue',
  W: 'Wed',
  R: 'Thu',
  F: 'Fri',
  S: 'Sat',
  U: 'Sun',
};

export function formatCredits(credits: { min: number; max: number }): string {
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  if (credits.min === credits.max) return `${n(credits.min)} credit${credits.min === 1 ? '' : 's'}`;
  return `${n(credits.min)}–${n(credits.max)} credits`;
}

export function instructorNames(section: Pick<Section, 'instructors'>): string {
  return section.instructors.length === 0
    ? 'Staff'
    : section.instructors.map((i) => i.name).join(', ');
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function zonedParts(instant: Date, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

function utcOf(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** "YYYY-MM-DD HH:mm:ss" as a clock on the wall in `timeZone` shows the instant. */
export function toWallTime(iso: string, timeZone: string): string {
  const p = zonedParts(new Date(iso), timeZone);
  const two = (v: number) => String(v).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}

/** The instant (ISO) at which the wall clock in `timeZone` reads `wall` ("YYYY-MM-DD HH:mm[:ss]"). */
export function fromWallTime(wall: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(wall);
  if (!match) throw new Error(`Not a date and time: ${wall}`);
  const wanted = utcOf({
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6] ?? 0),
  });
  // Step by the zone's offset, twice in case the offset changes in between (DST).
  let instant = wanted;
  for (let i = 0; i < 2; i += 1) {
    instant += wanted - utcOf(zonedParts(new Date(instant), timeZone));
  }
  return new Date(instant).toISOString();
}

export function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

export function formatDate(date: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}

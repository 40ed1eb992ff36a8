// Words and times for meetings, registrations and offers.
import type { Meeting } from '../api/types.ts';

const DAY_WORDS: Record<string, string> = {
  M: 'Mon',
  T: 'Tue',
  W: 'Wed',
  R: 'Thu',
  F: 'Fri',
  S: 'Sat',
  U: 'Sun',
};

export function formatMeeting(meeting: Pick<Meeting, 'days' | 'startTime' | 'endTime'>): string {
  if (!meeting.days || !meeting.startTime || !meeting.endTime) return 'Arranged';
  const days = [...meeting.days].map((d) => DAY_WORDS[d] ?? d).join(' ');
  return `${days} ${meeting.startTime.slice(0, 5)}–${meeting.endTime.slice(0, 5)}`;
}

export function formatMeetings(
  meetings: ReadonlyArray<Pick<Meeting, 'days' | 'startTime' | 'endTime' | 'location'>>,
): string {
  if (meetings.length === 0) return 'Arranged';
  return meetings
    .map((m) => `${formatMeeting(m)}${m.location ? ` · ${m.location}` : ''}`)
    .join('; ');
}

/** "3 h 12 min left" until an instant; "expired" after it. */
export function timeLeft(until: string, now = Date.now()): string {
  const ms = Date.parse(until) - now;
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min left`;
  return `${Math.floor(hours / 24)} days left`;
}

export function formatCredits(credits: number): string {
  return `${Number.isInteger(credits) ? credits : credits.toFixed(1)} cr`;
}

// A student's class schedule as an RFC 5545 calendar: one weekly recurring VEVENT per meeting,
// times in the term's own time zone (TZID) with a VTIMEZONE built from the platform's zone data,
// so a class stays at 10:00 across a daylight-saving change. Pure functions, no I/O.

export interface CalendarMeeting {
  /** Letters from MTWRFSU; null: arranged (no calendar event). */
  days: string | null;
  /** HH:MM or HH:MM:SS. */
  startTime: string | null;
  endTime: string | null;
  location: string | null;
  /** YYYY-MM-DD; null: the term's first or last day. */
  startDate: string | null;
  endDate: string | null;
}

export interface CalendarEntry {
  /** Stable across downloads, so a subscribed calendar updates events instead of duplicating. */
  uid: string;
  code: string;
  title: string;
  kind: string;
  crn: string;
  instructors: readonly string[];
  meetings: readonly CalendarMeeting[];
  term: { timeZone: string; startsOn: string; endsOn: string; name: string };
}

export interface CalendarOptions {
  name: string;
  now: Date;
}

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;
const DAY_INDEX: Readonly<Record<string, number>> = { U: 0, M: 1, T: 2, W: 3, R: 4, F: 5, S: 6 };
const ICAL_DAY: Readonly<Record<string, string>> = {
  M: 'MO',
  T: 'TU',
  W: 'WE',
  R: 'TH',
  F: 'FR',
  S: 'SA',
  U: 'SU',
};
const DAY_ORDER = 'MTWRFSU';

/** Escapes a TEXT value (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line to at most 75 octets per line, never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= MAX_LINE_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  // The first line holds 75 octets; continuation lines start with a space, leaving 74.
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

// ---------------------------------------------------------------------------------------------
// Dates and zones

function parseDate(date: string): { y: number; m: number; d: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { y: y!, m: m!, d: d! };
}

function dateFromUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utcDay(date: string): number {
  const { y, m, d } = parseDate(date);
  return Date.UTC(y, m - 1, d);
}

const DAY_MS = 86_400_000;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function zoneOffsetMinutes(at: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

function shortZoneName(at: number, timeZone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  return name ?? timeZone;
}

/** The instant at which a wall-clock time in the zone happens (the later one in a gap). */
export function zonedToUtc(date: string, time: string, timeZone: string): number {
  const { y, m, d } = parseDate(date);
  const [hh, mm, ss] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh ?? 0, mm ?? 0, ss ?? 0);
  let guess = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** 20260824T100000 (a local date-time, to go with TZID). */
function localStamp(date: string, time: string): string {
  const [hh, mm, ss] = time.split(':');
  return `${date.replace(/-/g, '')}T${hh ?? '00'}${mm ?? '00'}${ss ?? '00'}`;
}

/** 20261212T055959Z */
function utcStamp(at: number): string {
  const d = new Date(at);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

interface Transition {
  at: number;
  from: number;
  to: number;
}

/** Offset changes of the zone in [from, to), found day by day, then to the minute. */
function zoneTransitions(timeZone: string, from: number, to: number): Transition[] {
  const transitions: Transition[] = [];
  let previous = zoneOffsetMinutes(from, timeZone);
  for (let day = from; day < to; day += DAY_MS) {
    const next = zoneOffsetMinutes(day + DAY_MS, timeZone);
    if (next === previous) continue;
    let lo = day;
    let hi = day + DAY_MS;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (zoneOffsetMinutes(mid, timeZone) === previous) lo = mid;
      else hi = mid;
    }
    transitions.push({ at: hi, from: previous, to: next });
    previous = next;
  }
  return transitions;
}

/** A VTIMEZONE covering [fromDate, toDate] with every transition in it listed explicitly. */
export function buildTimeZone(timeZone: string, fromDate: string, toDate: string): string[] {
  const from = Date.UTC(parseDate(fromDate).y, 0, 1);
  const to = Date.UTC(parseDate(toDate).y + 1, 0, 1);
  const transitions = zoneTransitions(timeZone, from, to);
  const initial = zoneOffsetMinutes(from, timeZone);
  const offsets = [initial, ...transitions.map((t) => t.to)];
  const standard = Math.min(...offsets);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const observance = (onset: number, offsetFrom: number, offsetTo: number): void => {
    const kind = offsetTo > standard ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART of an observance is the local time of the onset, on the clock in use before it.
    const local = new Date(onset + offsetFrom * 60_000).toISOString();
    const date = local.slice(0, 10);
    const time = local.slice(11, 19);
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(date, time)}`,
      `TZOFFSETFROM:${formatOffset(offsetFrom)}`,
      `TZOFFSETTO:${formatOffset(offsetTo)}`,
      `TZNAME:${escapeText(shortZoneName(onset + 1, timeZone))}`,
      `END:${kind}`,
    );
  };
  observance(from, initial, initial);
  for (const transition of transitions) observance(transition.at, transition.from, transition.to);
  lines.push('END:VTIMEZONE');
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Events

export interface MeetingOccurrences {
  /** The first class date (YYYY-MM-DD), on one of the meeting's days. */
  firstDate: string;
  lastDate: string;
  byDay: string[];
}

/** When a weekly meeting first and last happens in its date range; undefined if never. */
export function meetingOccurrences(
  meeting: CalendarMeeting,
  term: Pick<CalendarEntry['term'], 'startsOn' | 'endsOn'>,
): MeetingOccurrences | undefined {
  if (!meeting.days || !meeting.startTime || !meeting.endTime) return undefined;
  const days = [...new Set(meeting.days)].filter((d) => d in DAY_INDEX);
  if (days.length === 0) return undefined;
  const wanted = new Set(days.map((d) => DAY_INDEX[d]!));
  const start = utcDay(meeting.startDate ?? term.startsOn);
  const end = utcDay(meeting.endDate ?? term.endsOn);
  let first: number | undefined;
  for (let day = start; day <= end && day < start + 7 * DAY_MS; day += DAY_MS) {
    if (wanted.has(new Date(day).getUTCDay())) {
      first = day;
      break;
    }
  }
  if (first === undefined) return undefined;
  let last = end;
  while (!wanted.has(new Date(last).getUTCDay())) last -= DAY_MS;
  const byDay = [...DAY_ORDER].filter((d) => days.includes(d)).map((d) => ICAL_DAY[d]!);
  return { firstDate: dateFromUtcDay(first), lastDate: dateFromUtcDay(last), byDay };
}

function eventLines(entry: CalendarEntry, index: number, meeting: CalendarMeeting, stamp: string) {
  const occurrences = meetingOccurrences(meeting, entry.term);
  if (!occurrences) return [];
  const zone = entry.term.timeZone;
  const startTime = meeting.startTime!;
  const endTime = meeting.endTime!;
  // UNTIL is UTC when DTSTART has a TZID (RFC 5545 3.3.10): the end of the last class.
  const until = zonedToUtc(occurrences.lastDate, endTime, zone);
  const description = [
    `${entry.kind[0]?.toUpperCase() ?? ''}${entry.kind.slice(1)} · CRN ${entry.crn}`,
    entry.instructors.length > 0 ? `Instructors: ${entry.instructors.join(', ')}` : '',
    entry.term.name,
  ].filter(Boolean);
  const lines = [
    'BEGIN:VEVENT',
    `UID:${entry.uid}-${index}@openregistrar`,
    `DTSTAMP:${stamp}`,
    `DTSTART;TZID=${zone}:${localStamp(occurrences.firstDate, startTime)}`,
    `DTEND;TZID=${zone}:${localStamp(occurrences.firstDate, endTime)}`,
    `RRULE:FREQ=WEEKLY;WKST=MO;BYDAY=${occurrences.byDay.join(',')};UNTIL=${utcStamp(until)}`,
    `SUMMARY:${escapeText(`${entry.code} ${entry.title}`)}`,
  ];
  if (meeting.location) lines.push(`LOCATION:${escapeText(meeting.location)}`);
  lines.push(
    `DESCRIPTION:${escapeText(description.join('\n'))}`,
    'CATEGORIES:Class',
    'STATUS:CONFIRMED',
    'TRANSP:OPAQUE',
    'END:VEVENT',
  );
  return lines;
}

/** The whole calendar, CRLF-terminated, lines folded at 75 octets. */
export function buildCalendar(entries: readonly CalendarEntry[], options: CalendarOptions): string {
  const stamp = utcStamp(options.now.getTime());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//OpenRegistrar//Class schedule//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
  ];
  // One VTIMEZONE per zone, spanning every term that uses it.
  const spans = new Map<string, { from: string; to: string }>();
  for (const entry of entries) {
    const starts = [entry.term.startsOn, ...entry.meetings.map((m) => m.startDate ?? '9999')];
    const ends = [entry.term.endsOn, ...entry.meetings.map((m) => m.endDate ?? '0000')];
    const from = starts.reduce((a, b) => (a < b ? a : b));
    const to = ends.reduce((a, b) => (a > b ? a : b));
    const span = spans.get(entry.term.timeZone);
    spans.set(entry.term.timeZone, {
      from: span && span.from < from ? span.from : from,
      to: span && span.to > to ? span.to : to,
    });
  }
  if (spans.size === 1) lines.push(`X-WR-TIMEZONE:${[...spans.keys()][0]!}`);
  for (const [zone, span] of spans) lines.push(...buildTimeZone(zone, span.from, span.to));
  for (const entry of entries) {
    entry.meetings.forEach((meeting, index) => {
      lines.push(...eventLines(entry, index, meeting, stamp));
    });
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

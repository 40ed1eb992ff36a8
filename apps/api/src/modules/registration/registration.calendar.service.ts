// The student's schedule as JSON (with conflicts) and as iCalendar, and the private feed URL.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import { NotFoundError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { buildCalendar, type CalendarEntry } from './registration.calendar.ts';
import {
  ensureCalendarFeed,
  findCalendarFeedById,
  findScheduleTerm,
  listScheduleRegistrations,
  touchCalendarFeed,
  upsertCalendarFeed,
  userIsActiveStudent,
  type CalendarFeedRecord,
  type ScheduleRegistrationRecord,
} from './registration.calendar.repo.ts';
import type { CalendarFeed, Schedule, ScheduleConflict } from './registration.calendar.schemas.ts';
import { formatMeeting, meetingsOverlap } from './registration.rules.ts';

const SEAT_STATUSES = new Set(['enrolled', 'offered', 'pending_payment']);
/** A feed keeps terms that ended this recently, so the last weeks stay visible. */
const FEED_KEEPS_ENDED_DAYS = 30;
const FEED_ID_LENGTH = 32;

export interface CalendarDeps {
  db: Kysely<DB>;
  config: Pick<Config, 'publicUrl' | 'cookieSecret'>;
  clock: Clock;
}

export function createCalendarService(deps: CalendarDeps) {
  const { db, config, clock } = deps;

  function signature(feedId: string): string {
    return createHmac('sha256', config.cookieSecret)
      .update(`calendar-feed:${feedId}`)
      .digest('base64url');
  }

  function feedView(feed: CalendarFeedRecord): CalendarFeed {
    const url = `${config.publicUrl}/api/v1/calendar/${feed.feedId}${signature(feed.feedId)}.ics`;
    return {
      url,
      webcalUrl: url.replace(/^https?:/, 'webcal:'),
      createdAt: feed.createdAt.toISOString(),
    };
  }

  const newFeedId = (): string => randomBytes(FEED_ID_LENGTH / 2).toString('hex');

  function toEntry(record: ScheduleRegistrationRecord): CalendarEntry {
    return {
      uid: record.registrationId,
      code: record.code,
      title: record.title,
      kind: record.kind,
      crn: record.crn,
      instructors: record.instructors,
      meetings: record.meetings,
      term: record.term,
    };
  }

  function conflictsOf(
    records: readonly ScheduleRegistrationRecord[],
    term: { startsOn: string; endsOn: string },
  ): ScheduleConflict[] {
    const holding = records.filter((r) => SEAT_STATUSES.has(r.status));
    const conflicts: ScheduleConflict[] = [];
    for (let i = 0; i < holding.length; i += 1) {
      for (let j = i + 1; j < holding.length; j += 1) {
        const a = holding[i]!;
        const b = holding[j]!;
        for (const ma of a.meetings) {
          const mb = b.meetings.find((m) => meetingsOverlap(ma, m, term));
          if (!mb) continue;
          const days = [...(ma.days ?? '')].filter((d) => (mb.days ?? '').includes(d)).join('');
          conflicts.push({
            sectionIds: [a.sectionId, b.sectionId],
            days,
            message: `${a.code} (${formatMeeting(ma)}) overlaps ${b.code} (${formatMeeting(mb)}).`,
          });
          break;
        }
      }
    }
    return conflicts;
  }

  /** Enrolled classes only: a wait-listed or offered seat is not yet a class to attend. */
  function calendarOf(records: readonly ScheduleRegistrationRecord[], name: string): string {
    const entries = records.filter((r) => r.status === 'enrolled').map(toEntry);
    return buildCalendar(entries, { name, now: clock.now() });
  }

  function feedHorizon(): string {
    return new Date(clock.now().getTime() - FEED_KEEPS_ENDED_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
  }

  return {
    async getSchedule(studentId: string, termId: string): Promise<Schedule> {
      const term = await findScheduleTerm(db, termId);
      if (!term) throw new NotFoundError('The term');
      const records = await listScheduleRegistrations(db, studentId, { termId });
      return {
        term,
        items: records.map((r) => ({
          registrationId: r.registrationId,
          sectionId: r.sectionId,
          code: r.code,
          title: r.title,
          kind: r.kind,
          crn: r.crn,
          status: r.status,
          credits: r.credits,
          instructors: r.instructors,
          meetings: r.meetings,
        })),
        conflicts: conflictsOf(records, term),
        enrolledCredits: records
          .filter((r) => SEAT_STATUSES.has(r.status))
          .reduce((sum, r) => sum + r.credits, 0),
      };
    },

    /** The .ics of one term (termId) or of every term that has not ended. */
    async scheduleCalendar(
      studentId: string,
      termId: string | undefined,
    ): Promise<{ ics: string; filename: string }> {
      if (termId !== undefined) {
        const term = await findScheduleTerm(db, termId);
        if (!term) throw new NotFoundError('The term');
        const records = await listScheduleRegistrations(db, studentId, { termId });
        return {
          ics: calendarOf(records, `Classes ${term.name}`),
          filename: `schedule-${term.code}.ics`,
        };
      }
      const records = await listScheduleRegistrations(db, studentId, {
        endsOnOrAfter: feedHorizon(),
      });
      return { ics: calendarOf(records, 'Classes'), filename: 'schedule.ics' };
    },

    async getFeed(userId: string): Promise<CalendarFeed> {
      return feedView(await ensureCalendarFeed(db, userId, newFeedId(), clock.now()));
    },

    async regenerateFeed(userId: string): Promise<CalendarFeed> {
      return feedView(await upsertCalendarFeed(db, userId, newFeedId(), clock.now()));
    },

    /** The feed behind a URL token; a wrong, revoked or forged token is simply not found. */
    async feedCalendar(token: string): Promise<string> {
      const feedId = token.slice(0, FEED_ID_LENGTH);
      const given = Buffer.from(token.slice(FEED_ID_LENGTH));
      const expected = Buffer.from(signature(feedId));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new NotFoundError('The calendar');
      }
      const feed = await findCalendarFeedById(db, feedId);
      if (!feed || !(await userIsActiveStudent(db, feed.userId))) {
        throw new NotFoundError('The calendar');
      }
      await touchCalendarFeed(db, feedId, clock.now());
      const records = await listScheduleRegistrations(db, feed.userId, {
        endsOnOrAfter: feedHorizon(),
      });
      return calendarOf(records, 'Classes');
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;

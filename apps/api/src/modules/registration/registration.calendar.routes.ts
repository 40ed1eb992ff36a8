// Schedule (JSON), calendar download (RFC 5545) and the private calendar subscription feed.
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import { requireAuth } from '../../http/auth.ts';
import {
  CalendarFeed,
  CalendarQuery,
  FeedParams,
  Schedule,
  ScheduleQuery,
} from './registration.calendar.schemas.ts';
import { createCalendarService } from './registration.calendar.service.ts';

const STUDENT = { roles: ['student'] } as const;
const tags = ['registration'];
const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

const calendarResponse = {
  200: {
    description: 'An RFC 5545 calendar',
    content: { 'text/calendar': { schema: Type.String() } },
  },
};

export const calendarRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (plugin, options) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const calendar = createCalendarService({
    db: options.deps.database.db,
    config: options.deps.config,
    clock: options.deps.clock,
  });

  app.get(
    '/me/schedule',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'My weekly schedule in a term, with overlapping meetings listed',
        querystring: ScheduleQuery,
        response: { 200: Schedule },
      },
    },
    async (request) => calendar.getSchedule(requireAuth(request).userId, request.query.termId),
  );

  app.get(
    '/me/schedule.ics',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'My enrolled classes as an iCalendar file (one term, or every current term)',
        querystring: CalendarQuery,
        response: calendarResponse,
      },
    },
    async (request, reply) => {
      const { ics, filename } = await calendar.scheduleCalendar(
        requireAuth(request).userId,
        request.query.termId,
      );
      return reply
        .type(CALENDAR_TYPE)
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(ics);
    },
  );

  app.get(
    '/me/calendar-feed',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'My private calendar subscription URL (created on first use)',
        response: { 200: CalendarFeed },
      },
    },
    async (request) => calendar.getFeed(requireAuth(request).userId),
  );

  app.post(
    '/me/calendar-feed/regenerate',
    {
      config: STUDENT,
      schema: {
        tags,
        summary: 'Replace my calendar subscription URL; the old one stops working at once',
        response: { 200: CalendarFeed },
      },
    },
    async (request) => calendar.regenerateFeed(requireAuth(request).userId),
  );

  app.get(
    '/calendar/:feed',
    {
      schema: {
        tags,
        summary: 'A private calendar feed (the URL is the credential; no sign-in)',
        params: FeedParams,
        response: calendarResponse,
      },
    },
    async (request, reply) => {
      const ics = await calendar.feedCalendar(request.params.feed.slice(0, -'.ics'.length));
      return reply
        .type(CALENDAR_TYPE)
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .send(ics);
    },
  );
};

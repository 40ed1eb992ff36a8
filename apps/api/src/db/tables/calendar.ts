// Row types of the calendar feed table (see the migration 2026_11_22_0525_create_calendar_feeds).
import type { Generated } from 'kysely';
import type { NullableTimestamp } from './identity.ts';

export interface CalendarFeedsTable {
  user_id: string;
  feed_id: string;
  created_at: Generated<Date>;
  last_read_at: NullableTimestamp;
}

export interface CalendarTables {
  calendar_feeds: CalendarFeedsTable;
}

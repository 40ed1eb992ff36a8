// Catalog search support: accent- and case-folded text vectors on courses, a per-section summary
// of meeting days and times kept by triggers, and the indexes the search filters use.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    create extension if not exists unaccent;
    create extension if not exists pg_trgm;

    -- unaccent() is only STABLE (its dictionary could change); pinning the dictionary lets us
    -- declare the fold IMMUTABLE so it can feed generated columns and expression indexes.
    create function catalog_fold(value text) returns text language sql immutable parallel safe strict as $$ select lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

    -- Days as a bit mask (M=1, T=2, W=4, R=8, F=16, S=32, U=64) so "meets only on these days" is
    -- a single bitwise test.
    create function catalog_days_mask(days text) returns integer language sql immutable parallel safe as $$ select coalesce(sum(distinct 1 << (strpos('MTWRFSU', d) - 1)), 0)::integer from regexp_split_to_table(days, '') as d where d <> '' and strpos('MTWRFSU', d) > 0 $$;

    -- Words of the code (also without its space, so "cs225" matches), title and description.
    alter table courses add column search_vector tsvector generated always as (
      to_tsvector('simple'::regconfig, catalog_fold(code || ' ' || replace(code, ' ', '') || ' ' || title || ' ' || description))
    ) stored;
    create index courses_search_idx on courses using gin (search_vector);
    create index courses_code_c_idx on courses ((code collate "C"));

    -- Summary of the scheduled (not arranged) meetings of a section, for the days and time-window
    -- filters and the start-time sort. Kept by the triggers below; never written by application code.
    alter table sections add column meeting_days integer not null default 0;
    alter table sections add column first_start_time time;
    alter table sections add column last_end_time time;

    create function catalog_refresh_section_schedules(ids uuid[]) returns void language sql as $$ update sections s set meeting_days = coalesce(agg.mask, 0), first_start_time = agg.first_start, last_end_time = agg.last_end from (select x.id, bit_or(catalog_days_mask(m.days)) filter (where m.id is not null) as mask, min(m.start_time) as first_start, max(m.end_time) as last_end from unnest(ids) as x(id) left join section_meetings m on m.section_id = x.id and m.days is not null and m.start_time is not null and m.end_time is not null group by x.id) agg where s.id = agg.id and (s.meeting_days, s.first_start_time, s.last_end_time) is distinct from (coalesce(agg.mask, 0), agg.first_start, agg.last_end) $$;

    -- Statement-level triggers: a bulk insert of thousands of meetings refreshes each section once.
    create function catalog_meetings_inserted() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_schedules(array(select distinct section_id from new_rows)); return null; end $$;
    create function catalog_meetings_deleted() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_schedules(array(select distinct section_id from old_rows)); return null; end $$;
    create function catalog_meetings_updated() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_schedules(array(select section_id from new_rows union select section_id from old_rows)); return null; end $$;

    create trigger section_meetings_inserted after insert on section_meetings
      referencing new table as new_rows for each statement execute function catalog_meetings_inserted();
    create trigger section_meetings_deleted after delete on section_meetings
      referencing old table as old_rows for each statement execute function catalog_meetings_deleted();
    create trigger section_meetings_updated after update on section_meetings
      referencing old table as old_rows new table as new_rows for each statement execute function catalog_meetings_updated();

    -- No index mentions enrolled or capacity: seat updates on the registration rush stay HOT.
    create index sections_term_start_idx on sections (term_id, first_start_time);
    create index sections_term_end_idx on sections (term_id, last_end_time);
    create index sections_course_idx on sections (course_id);
    create index section_instructors_name_idx on section_instructors using gin (catalog_fold(name) gin_trgm_ops);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop index section_instructors_name_idx, sections_course_idx, sections_term_end_idx, sections_term_start_idx;
    drop trigger section_meetings_updated on section_meetings;
    drop trigger section_meetings_deleted on section_meetings;
    drop trigger section_meetings_inserted on section_meetings;
    drop function catalog_meetings_updated(), catalog_meetings_deleted(), catalog_meetings_inserted();
    drop function catalog_refresh_section_schedules(uuid[]);
    alter table sections drop column last_end_time, drop column first_start_time, drop column meeting_days;
    drop index courses_code_c_idx, courses_search_idx;
    alter table courses drop column search_vector;
    drop function catalog_days_mask(text), catalog_fold(text);
  `,
  );
}

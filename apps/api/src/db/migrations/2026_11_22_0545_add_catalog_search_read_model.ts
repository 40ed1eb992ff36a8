// What a search page needs, ready to read: sections carry their course code so a term's sections
// come in catalog order straight from an index (a page sorted by code or start time stops after one
// page instead of sorting the term), and section_cards hold each section's instructors, meetings
// and reserved seats as JSON kept by triggers, so a page is not 150 aggregations. The cards live
// beside sections, not in them: seat updates on the registration rush keep rewriting narrow rows.
import type { Kysely } from 'kysely';
import { runScript } from '../migration-script.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    alter table sections add column course_code text;
    update sections s set course_code = c.code from courses c where c.id = s.course_id;
    alter table sections alter column course_code set not null;

    -- Filled from the course on insert and when the course changes; never written by application code.
    create function catalog_section_course_code() returns trigger language plpgsql as $$ begin new.course_code := (select code from courses where id = new.course_id); return new; end $$;
    create trigger sections_course_code before insert or update of course_id on sections
      for each row execute function catalog_section_course_code();
    create function catalog_course_code_changed() returns trigger language plpgsql as $$ begin update sections set course_code = new.code where course_id = new.id; return null; end $$;
    create trigger courses_code_changed after update of code on courses
      for each row when (old.code is distinct from new.code) execute function catalog_course_code_changed();

    create index sections_term_code_order_idx on sections
      (term_id, (course_code collate "C"), (section_code collate "C"), id);
    create index sections_term_kind_idx on sections (term_id, kind);

    create table section_cards (
      section_id uuid primary key references sections(id) on delete cascade,
      instructors jsonb not null default '[]',
      meetings jsonb not null default '[]',
      reserved_seats jsonb not null default '[]'
    );

    create function catalog_refresh_section_cards(ids uuid[]) returns void language sql as $$ insert into section_cards (section_id, instructors, meetings, reserved_seats) select s.id, coalesce((select jsonb_agg(jsonb_build_object('name', i.name, 'userId', i.user_id) order by i.position) from section_instructors i where i.section_id = s.id), '[]'), coalesce((select jsonb_agg(jsonb_build_object('days', m.days, 'startTime', to_char(m.start_time, 'HH24:MI'), 'endTime', to_char(m.end_time, 'HH24:MI'), 'location', m.location, 'startDate', m.start_date::text, 'endDate', m.end_date::text) order by m.id) from section_meetings m where m.section_id = s.id), '[]'), coalesce((select jsonb_agg(jsonb_build_object('kind', r.group_kind, 'value', r.group_value, 'label', r.label, 'seats', r.seats, 'until', r.until) order by r.id) from section_reserved_seats r where r.section_id = s.id), '[]') from sections s where s.id = any(ids) on conflict (section_id) do update set instructors = excluded.instructors, meetings = excluded.meetings, reserved_seats = excluded.reserved_seats $$;

    -- One set of statement-level trigger functions for the three part tables (all have section_id).
    create function catalog_parts_inserted() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_cards(array(select distinct section_id from new_rows)); return null; end $$;
    create function catalog_parts_deleted() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_cards(array(select distinct section_id from old_rows)); return null; end $$;
    create function catalog_parts_updated() returns trigger language plpgsql as $$ begin perform catalog_refresh_section_cards(array(select section_id from new_rows union select section_id from old_rows)); return null; end $$;

    create trigger section_instructors_card_inserted after insert on section_instructors
      referencing new table as new_rows for each statement execute function catalog_parts_inserted();
    create trigger section_instructors_card_deleted after delete on section_instructors
      referencing old table as old_rows for each statement execute function catalog_parts_deleted();
    create trigger section_instructors_card_updated after update on section_instructors
      referencing old table as old_rows new table as new_rows for each statement execute function catalog_parts_updated();
    create trigger section_meetings_card_inserted after insert on section_meetings
      referencing new table as new_rows for each statement execute function catalog_parts_inserted();
    create trigger section_meetings_card_deleted after delete on section_meetings
      referencing old table as old_rows for each statement execute function catalog_parts_deleted();
    create trigger section_meetings_card_updated after update on section_meetings
      referencing old table as old_rows new table as new_rows for each statement execute function catalog_parts_updated();
    create trigger section_reserved_seats_card_inserted after insert on section_reserved_seats
      referencing new table as new_rows for each statement execute function catalog_parts_inserted();
    create trigger section_reserved_seats_card_deleted after delete on section_reserved_seats
      referencing old table as old_rows for each statement execute function catalog_parts_deleted();
    create trigger section_reserved_seats_card_updated after update on section_reserved_seats
      referencing old table as old_rows new table as new_rows for each statement execute function catalog_parts_updated();

    select catalog_refresh_section_cards(array(select id from sections));
    create index sections_term_start_order_idx on sections
      (term_id, (coalesce(first_start_time, time '24:00')), (course_code collate "C"), (section_code collate "C"), id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
    drop trigger section_reserved_seats_card_updated on section_reserved_seats;
    drop trigger section_reserved_seats_card_deleted on section_reserved_seats;
    drop trigger section_reserved_seats_card_inserted on section_reserved_seats;
    drop trigger section_meetings_card_updated on section_meetings;
    drop trigger section_meetings_card_deleted on section_meetings;
    drop trigger section_meetings_card_inserted on section_meetings;
    drop trigger section_instructors_card_updated on section_instructors;
    drop trigger section_instructors_card_deleted on section_instructors;
    drop trigger section_instructors_card_inserted on section_instructors;
    drop function catalog_parts_updated(), catalog_parts_deleted(), catalog_parts_inserted();
    drop function catalog_refresh_section_cards(uuid[]);
    drop table section_cards;
    drop index sections_term_start_order_idx, sections_term_kind_idx, sections_term_code_order_idx;
    drop trigger courses_code_changed on courses;
    drop trigger sections_course_code on sections;
    drop function catalog_course_code_changed(), catalog_section_course_code();
    alter table sections drop column course_code;
  `,
  );
}

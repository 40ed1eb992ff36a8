// The registration invariants, checked over the whole database: seat counters equal the live rows,
// nobody beyond capacity (except seats granted with the capacity override), wait-lists within
// their capacity, nobody registered twice, cancelled sections empty. Tests, the rush benchmark and
// `registrar rehearse` run it after the storm.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export interface ConsistencyReport {
  sections: number;
  registrations: number;
  /** One sentence per broken invariant; empty when everything holds. */
  problems: string[];
}

export async function checkRegistrationConsistency(db: Kysely<DB>): Promise<ConsistencyReport> {
  const problems: string[] = [];

  const counters = await sql<{
    id: string;
    enrolled: number;
    waitlisted: number;
    capacity: number;
    waitlist_capacity: number;
    status: string;
    seat_rows: number;
    waitlist_rows: number;
    override_rows: number;
  }>`
    select s.id, s.enrolled, s.waitlisted, s.capacity, s.waitlist_capacity, s.status,
      coalesce(r.seat_rows, 0)::int as seat_rows, coalesce(r.waitlist_rows, 0)::int as waitlist_rows,
      coalesce(r.override_rows, 0)::int as override_rows
    from sections s
    left join (
      select section_id,
        count(*) filter (where status in ('enrolled','offered','pending_payment')) as seat_rows,
        count(*) filter (where status = 'waitlisted') as waitlist_rows,
        count(*) filter (where status in ('enrolled','offered','pending_payment')
          and 'capacity' = any(overrides)) as override_rows
      from registrations group by section_id
    ) r on r.section_id = s.id
    where s.enrolled <> coalesce(r.seat_rows, 0)
      or s.waitlisted <> coalesce(r.waitlist_rows, 0)
      or s.enrolled > s.capacity + coalesce(r.override_rows, 0)
      or s.waitlisted > s.waitlist_capacity
      or (s.status = 'cancelled' and (s.enrolled > 0 or s.waitlisted > 0))
    order by s.id
    limit 1000`.execute(db);
  for (const s of counters.rows) {
    const enrolled = Number(s.enrolled);
    const waitlisted = Number(s.waitlisted);
    if (enrolled !== Number(s.seat_rows)) {
      problems.push(
        `section ${s.id}: enrolled counter ${enrolled} but ${s.seat_rows} seat-holding registrations`,
      );
    }
    if (waitlisted !== Number(s.waitlist_rows)) {
      problems.push(
        `section ${s.id}: waitlisted counter ${waitlisted} but ${s.waitlist_rows} wait-listed registrations`,
      );
    }
    if (enrolled > Number(s.capacity) + Number(s.override_rows)) {
      problems.push(
        `section ${s.id}: ${enrolled} seats taken, capacity ${s.capacity} (+${s.override_rows} by override)`,
      );
    }
    if (waitlisted > Number(s.waitlist_capacity)) {
      problems.push(
        `section ${s.id}: ${waitlisted} wait-listed, wait-list capacity ${s.waitlist_capacity}`,
      );
    }
    if (s.status === 'cancelled' && (enrolled > 0 || waitlisted > 0)) {
      problems.push(`section ${s.id}: cancelled but still has registrations`);
    }
  }

  const duplicates = await sql<{ student_id: string; section_id: string; n: number }>`
    select student_id, section_id, count(*)::int as n from registrations
    where status in ('enrolled','waitlisted','offered','pending_payment')
    group by student_id, section_id having count(*) > 1
    limit 100`.execute(db);
  for (const d of duplicates.rows) {
    problems.push(
      `student ${d.student_id} holds ${d.n} live registrations in section ${d.section_id}`,
    );
  }

  const misplaced = await sql<{ id: string }>`
    select r.id from registrations r join sections s on s.id = r.section_id
    where r.term_id <> s.term_id
      or (r.status = 'offered' and r.offer_expires_at is null)
      or (s.status = 'cancelled' and r.status in ('enrolled','waitlisted','offered','pending_payment'))
    limit 100`.execute(db);
  for (const r of misplaced.rows) {
    problems.push(
      `registration ${r.id}: wrong term, offer without expiry, or live in a cancelled section`,
    );
  }

  const totals = await sql<{ sections: number; registrations: number }>`
    select (select count(*) from sections)::int as sections,
      (select count(*) from registrations)::int as registrations`.execute(db);
  return {
    sections: Number(totals.rows[0]?.sections ?? 0),
    registrations: Number(totals.rows[0]?.registrations ?? 0),
    problems,
  };
}

// The demo university's tuition: the current and next terms charge per credit with a full-time
// flat rate, a student services fee and lab fees, refund on a schedule from the first day of
// classes, and are due two weeks in, so a fresh `npm start` shows the whole money flow.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import { daysBefore } from './billing.ledger.ts';
import { replaceFees, upsertTuition } from './billing.repo.ts';

interface DemoTerm {
  id: string;
  startsOn: string;
}

const LAB_FEE_COURSES = 25;

/** YYYY-MM-DD plus days. */
function addDays(date: string, days: number): string {
  return daysBefore(date, -days);
}

export async function seedDemoTuition(
  db: Kysely<DB>,
  terms: { currentTerm: DemoTerm; nextTerm: DemoTerm },
): Promise<void> {
  for (const term of [terms.currentTerm, terms.nextTerm]) {
    // Courses taught with a lab section this term carry a materials fee.
    const labCourses = await db
      .selectFrom('sections')
      .select('course_id')
      .distinct()
      .where('term_id', '=', term.id)
      .where('kind', '=', 'lab')
      .orderBy('course_id')
      .limit(LAB_FEE_COURSES)
      .execute();
    await db.transaction().execute(async (tx) => {
      await upsertTuition(tx, {
        term_id: term.id,
        currency: 'USD',
        per_credit_amount: 450_00,
        bands: JSON.stringify([{ minCredits: 12, maxCredits: 18, amount: 5_200_00 }]),
        refund_schedule: JSON.stringify([
          { until: addDays(term.startsOn, 6), percent: 100 },
          { until: addDays(term.startsOn, 20), percent: 50 },
          { until: addDays(term.startsOn, 34), percent: 25 },
        ]),
        due_on: addDays(term.startsOn, 13),
        pay_to_enrol: false,
        payment_hold_minutes: 30,
        financial_hold_when_overdue: false,
        reminder_days_before: [7, 1],
        updated_by: null,
        updated_at: new Date(),
      });
      await replaceFees(tx, term.id, [
        {
          id: newId(),
          scope: 'term',
          course_id: null,
          section_id: null,
          description: 'Student services fee',
          amount: 185_00,
          refundable: true,
          position: 0,
        },
        ...labCourses.map((row, index) => ({
          id: newId(),
          scope: 'course' as const,
          course_id: row.course_id,
          section_id: null,
          description: 'Lab materials fee',
          amount: 60_00,
          refundable: false,
          position: index + 1,
        })),
      ]);
    });
  }
}

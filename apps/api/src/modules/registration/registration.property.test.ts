// Property: random sequences of register, drop, swap, accept, capacity change, holds placed and lifted, and
// offer expiry,
// run through the API against a small in-memory model of the rules. After every step the database
// must match the model (who holds a seat, who waits in which order, who was skipped and how often)
// and the invariants must hold: counters equal rows, enrolled ≤ capacity, nobody twice.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../lib/clock.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { checkRegistrationConsistency } from './registration.consistency.ts';
import type { RegistrationService } from './registration.service.ts';
import {
  createTestEngine,
  createWorld,
  type World,
  type WorldPerson,
} from './registration.test-world.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CREDITS = 4;
const MAX_CREDITS = 8;
const CLAIM_HOURS = 24;
const STUDENTS = 6;
/** Promotion chains through wait-list swaps run in one transaction up to this depth. */
const MAX_DEPTH = 3;

const clock = fixedClock(new Date());
let t: TestApp;
let world: World;
let engine: RegistrationService;
let admin: WorldPerson;

beforeAll(async () => {
  t = await createTestApp({ clock });
  world = await createWorld(t.database.db, t.config.jwtSecret);
  engine = createTestEngine(t, clock);
  admin = await world.addStaff(['admin']);
});
afterAll(async () => {
  await t?.close();
});

// ------------------------------------------------------------------------------------ the model

type Status = 'enrolled' | 'waitlisted' | 'offered';
interface Reg {
  id: string;
  student: number;
  section: number;
  status: Status;
  swapFrom: string | null;
  expires: number | null;
}

class Model {
  readonly regs = new Map<string, Reg>();
  readonly waitlists: string[][];
  readonly skips = new Map<string, number>();
  /** Students with a blocking hold (a hold id each, to lift it). */
  readonly holds = new Map<number, string>();
  readonly capacity: number[];
  readonly waitlistCapacity: number[];
  readonly mode: Array<'auto' | 'claim'>;
  now: number;

  constructor(
    sections: { capacity: number; waitlistCapacity: number; mode: 'auto' | 'claim' }[],
    now: number,
  ) {
    this.capacity = sections.map((s) => s.capacity);
    this.waitlistCapacity = sections.map((s) => s.waitlistCapacity);
    this.mode = sections.map((s) => s.mode);
    this.waitlists = sections.map(() => []);
    this.now = now;
  }

  seats(section: number): Reg[] {
    return [...this.regs.values()].filter(
      (r) => r.section === section && r.status !== 'waitlisted',
    );
  }
  live(student: number, section: number): Reg | undefined {
    return [...this.regs.values()].find((r) => r.student === student && r.section === section);
  }
  creditsHeld(student: number, except?: string): number {
    return (
      [...this.regs.values()].filter(
        (r) => r.student === student && r.status !== 'waitlisted' && r.id !== except,
      ).length * CREDITS
    );
  }

  release(reg: Reg): void {
    this.regs.delete(reg.id);
    const list = this.waitlists[reg.section]!;
    const at = list.indexOf(reg.id);
    if (at >= 0) list.splice(at, 1);
    for (const other of this.regs.values()) if (other.swapFrom === reg.id) other.swapFrom = null;
  }

  /** Fills free seats from the head of the wait-list, skipping (and counting) ineligible heads. */
  promote(section: number, depth = 0): void {
    const passed = new Set<string>();
    for (;;) {
      if (this.seats(section).length >= this.capacity[section]!) return;
      const headId = this.waitlists[section]!.find((id) => !passed.has(id));
      if (!headId) return;
      const head = this.regs.get(headId)!;
      const swap = head.swapFrom ? this.regs.get(head.swapFrom) : undefined;
      if (
        this.holds.has(head.student) ||
        this.creditsHeld(head.student, swap?.id) + CREDITS > MAX_CREDITS
      ) {
        this.skips.set(head.id, (this.skips.get(head.id) ?? 0) + 1);
        passed.add(head.id);
        continue;
      }
      const claim = this.mode[section] === 'claim';
      const swapping = swap && !claim ? swap : undefined;
      const swapHeldSeat = swapping !== undefined && swapping.status !== 'waitlisted';
      if (swapping) this.release(swapping);
      this.waitlists[section]!.splice(this.waitlists[section]!.indexOf(head.id), 1);
      head.status = claim ? 'offered' : 'enrolled';
      head.expires = claim ? this.now + CLAIM_HOURS * HOUR : null;
      if (!claim) head.swapFrom = null;
      if (swapping && swapHeldSeat && depth < MAX_DEPTH) this.promote(swapping.section, depth + 1);
    }
  }
}

// ------------------------------------------------------------------------------------ operations

// drop, swap and accept pick one of the live registrations (`pick` modulo their number), so that
// nearly every operation changes something.
type Op =
  | { kind: 'register'; student: number; section: number }
  | { kind: 'drop'; pick: number; seatOnly: boolean }
  | { kind: 'swap'; pick: number; to: number }
  | { kind: 'accept'; pick: number }
  | { kind: 'capacity'; section: number; capacity: number }
  | { kind: 'hold'; student: number }
  | { kind: 'expire' };

const student = fc.integer({ min: 0, max: STUDENTS - 1 });
const section = fc.integer({ min: 0, max: 2 });
const pick = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('register' as const), student, section }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('drop' as const), pick, seatOnly: fc.boolean() }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('swap' as const), pick, to: section }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('capacity' as const),
      section,
      capacity: fc.integer({ min: 0, max: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hold' as const), student }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'expire' as const }) },
);

function pickFrom<T>(items: T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

/** Registrations in a random order first, so that sections fill and wait-lists form early. */
const fillUp: fc.Arbitrary<Op[]> = fc
  .shuffledSubarray(
    Array.from({ length: STUDENTS * 3 }, (_, i) => ({
      kind: 'register' as const,
      student: i % STUDENTS,
      section: Math.floor(i / STUDENTS),
    })),
    { minLength: 6, maxLength: 12 },
  )
  .chain((picked) => fc.shuffledSubarray(picked, { minLength: picked.length }));

interface Run {
  sectionIds: string[];
  students: WorldPerson[];
  model: Model;
}

let runNumber = 0;
async function newRun(): Promise<Run> {
  runNumber += 1;
  const far = new Date(clock.now().getTime() + 5000 * DAY);
  const term = await world.addTerm({
    closesAt: far,
    addDropDeadline: far,
    withdrawDeadline: far,
    maxCredits: MAX_CREDITS,
    claimWindowHours: CLAIM_HOURS,
  });
  const shapes = [
    { capacity: 2, waitlistCapacity: 2, mode: 'auto' as const },
    { capacity: 2, waitlistCapacity: 2, mode: 'auto' as const },
    { capacity: 1, waitlistCapacity: 2, mode: 'claim' as const },
  ];
  const sectionIds: string[] = [];
  for (const [i, shape] of shapes.entries()) {
    const code = `PRP ${runNumber}${i}`;
    await world.addCourse({ code, credits: CREDITS });
    sectionIds.push(
      await world.addSection({
        course: code,
        code: 'A',
        term,
        capacity: shape.capacity,
        waitlistCapacity: shape.waitlistCapacity,
        waitlistMode: shape.mode,
      }),
    );
  }
  const students = await world.addStudents(STUDENTS);
  return { sectionIds, students, model: new Model(shapes, clock.now().getTime()) };
}

async function apply(run: Run, op: Op): Promise<void> {
  const { model, sectionIds, students } = run;
  switch (op.kind) {
    case 'register': {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/registrations',
        headers: students[op.student]!.headers,
        payload: { sectionId: sectionIds[op.section] },
      });
      const blocked =
        model.holds.has(op.student) ||
        model.live(op.student, op.section) !== undefined ||
        model.creditsHeld(op.student) + CREDITS > MAX_CREDITS;
      const seat = model.seats(op.section).length < model.capacity[op.section]!;
      const room = model.waitlists[op.section]!.length < model.waitlistCapacity[op.section]!;
      if (blocked || (!seat && !room)) {
        expect(res.statusCode, res.body).toBe(422);
        return;
      }
      expect(res.statusCode, res.body).toBe(201);
      const { registration } = res.json<{ registration: { id: string; status: Status } }>();
      expect(registration.status).toBe(seat ? 'enrolled' : 'waitlisted');
      model.regs.set(registration.id, {
        id: registration.id,
        student: op.student,
        section: op.section,
        status: registration.status,
        swapFrom: null,
        expires: null,
      });
      if (!seat) model.waitlists[op.section]!.push(registration.id);
      return;
    }
    case 'drop': {
      const reg = pickFrom(
        [...model.regs.values()].filter((r) => !op.seatOnly || r.status !== 'waitlisted'),
        op.pick,
      );
      if (!reg) return;
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/me/registrations/${reg.id}`,
        headers: students[reg.student]!.headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      const heldSeat = reg.status !== 'waitlisted';
      model.release(reg);
      if (heldSeat) model.promote(reg.section);
      return;
    }
    case 'swap': {
      const from = pickFrom([...model.regs.values()], op.pick);
      if (!from || from.section === op.to) return;
      const swapper = from.student;
      const origin = from.section;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/registrations/swap',
        headers: students[swapper]!.headers,
        payload: { dropRegistrationId: from.id, addSectionId: sectionIds[op.to] },
      });
      const blocked =
        model.holds.has(swapper) ||
        model.live(swapper, op.to) !== undefined ||
        model.creditsHeld(swapper, from.id) + CREDITS > MAX_CREDITS;
      const seat = model.seats(op.to).length < model.capacity[op.to]!;
      const room = model.waitlists[op.to]!.length < model.waitlistCapacity[op.to]!;
      if (blocked || (!seat && !room)) {
        expect(res.statusCode, res.body).toBe(422);
        return;
      }
      expect(res.statusCode, res.body).toBe(200);
      const { added } = res.json<{ added: { id: string; status: Status } }>();
      expect(added.status).toBe(seat ? 'enrolled' : 'waitlisted');
      model.regs.set(added.id, {
        id: added.id,
        student: swapper,
        section: op.to,
        status: added.status,
        swapFrom: seat ? null : from.id,
        expires: null,
      });
      if (seat) {
        const heldSeat = from.status !== 'waitlisted';
        model.release(from);
        if (heldSeat) model.promote(origin);
      } else {
        model.waitlists[op.to]!.push(added.id);
      }
      return;
    }
    case 'accept': {
      const reg = pickFrom(
        [...model.regs.values()].filter((r) => r.status === 'offered'),
        op.pick,
      );
      if (!reg) return;
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/me/registrations/${reg.id}/accept`,
        headers: students[reg.student]!.headers,
      });
      if (reg.expires! <= model.now) {
        expect(res.statusCode, res.body).toBe(409);
        model.release(reg);
        model.promote(reg.section);
        return;
      }
      expect(res.statusCode, res.body).toBe(200);
      reg.status = 'enrolled';
      reg.expires = null;
      const swap = reg.swapFrom ? model.regs.get(reg.swapFrom) : undefined;
      reg.swapFrom = null;
      if (swap) {
        const heldSeat = swap.status !== 'waitlisted';
        model.release(swap);
        if (heldSeat) model.promote(swap.section);
      }
      return;
    }
    case 'capacity': {
      const previous = model.capacity[op.section]!;
      if (op.capacity === previous) return;
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/sections/${sectionIds[op.section]}`,
        headers: admin.headers,
        payload: { capacity: op.capacity },
      });
      if (op.capacity < model.seats(op.section).length) {
        expect(res.statusCode, res.body).toBe(409);
        return;
      }
      expect(res.statusCode, res.body).toBe(200);
      model.capacity[op.section] = op.capacity;
      if (op.capacity > previous) model.promote(op.section);
      return;
    }
    case 'hold': {
      const who = students[op.student]!;
      const holdId = model.holds.get(op.student);
      if (holdId) {
        const lifted = await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/students/${who.id}/holds/${holdId}`,
          headers: admin.headers,
        });
        expect(lifted.statusCode, lifted.body).toBe(200);
        model.holds.delete(op.student);
      } else {
        const placed = await t.app.inject({
          method: 'POST',
          url: `/api/v1/students/${who.id}/holds`,
          headers: admin.headers,
          payload: { type: 'financial', reason: 'Unpaid balance' },
        });
        expect(placed.statusCode, placed.body).toBe(201);
        model.holds.set(op.student, placed.json<{ hold: { id: string } }>().hold.id);
      }
      return;
    }
    case 'expire': {
      clock.advance(CLAIM_HOURS * HOUR + HOUR);
      model.now = clock.now().getTime();
      const lapsed = [...model.regs.values()]
        .filter((r) => r.status === 'offered' && r.expires! <= model.now)
        .sort((a, b) => a.expires! - b.expires! || (a.id < b.id ? -1 : 1));
      let expected = 0;
      for (const reg of lapsed) {
        if (model.regs.get(reg.id)?.status !== 'offered') continue;
        expected += 1;
        model.release(reg);
        model.promote(reg.section);
      }
      expect(await engine.expireLapsedOffers()).toBe(expected);
      return;
    }
  }
}

/** The database against the model, and the global invariants. */
async function verify(run: Run): Promise<void> {
  const db = t.database.db;
  const rows = await db
    .selectFrom('registrations')
    .select(['id', 'section_id', 'status', 'swap_drop_registration_id'])
    .where('section_id', 'in', run.sectionIds)
    .where('status', 'in', ['enrolled', 'waitlisted', 'offered'])
    .orderBy('joined_at')
    .orderBy('id')
    .execute();
  for (const [index, sectionId] of run.sectionIds.entries()) {
    const here = rows.filter((r) => r.section_id === sectionId);
    const seats = here
      .filter((r) => r.status !== 'waitlisted')
      .map((r) => `${r.id}:${r.status}`)
      .sort();
    const expectedSeats = run.model
      .seats(index)
      .map((r) => `${r.id}:${r.status}`)
      .sort();
    expect(seats, `seats of section ${index}`).toEqual(expectedSeats);
    // FIFO: the wait-list order in the database is the order students joined.
    const waiting = here.filter((r) => r.status === 'waitlisted').map((r) => r.id);
    expect(waiting, `wait-list of section ${index}`).toEqual(run.model.waitlists[index]);
    expect(seats.length).toBeLessThanOrEqual(run.model.capacity[index]!);
  }
  for (const row of rows) {
    expect(row.swap_drop_registration_id, `swap of ${row.id}`).toBe(
      run.model.regs.get(row.id)?.swapFrom ?? null,
    );
  }
  // Nobody skipped without a recorded reason: one audit entry per skip, with its blocker codes.
  const skips = await db
    .selectFrom('registration_audit')
    .select(['registration_id', 'blocker_codes'])
    .where('section_id', 'in', run.sectionIds)
    .where('action', '=', 'promote')
    .where('outcome', '=', 'skipped')
    .execute();
  const counted = new Map<string, number>();
  for (const skip of skips) {
    expect(skip.blocker_codes.length).toBeGreaterThan(0);
    counted.set(skip.registration_id!, (counted.get(skip.registration_id!) ?? 0) + 1);
  }
  expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(run.model.skips));
  const report = await checkRegistrationConsistency(db);
  expect(report.problems).toEqual([]);
}

it('keeps the invariants and matches the model under random operations', async () => {
  await fc.assert(
    fc.asyncProperty(
      fillUp,
      fc.array(opArb, { minLength: 10, maxLength: 25 }),
      async (fill, more) => {
        const ops = [...fill, ...more];
        const run = await newRun();
        try {
          for (const op of ops) {
            await apply(run, op);
            await verify(run);
          }
        } finally {
          // Cancelling releases everyone, so no offer of this run lapses during the next one.
          for (const id of run.sectionIds) {
            await t.app.inject({
              method: 'DELETE',
              url: `/api/v1/sections/${id}`,
              headers: admin.headers,
            });
          }
        }
      },
    ),
    { numRuns: 15, endOnFailure: true },
  );
}, 600_000);

// TypeBox request and response schemas of the registration API and their static types.
import { Type, type Static, type TSchema } from 'typebox';
import { BLOCKER_CODES, OVERRIDES } from './registration.rules.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Id = Type.String({ minLength: 1, maxLength: 64, description: 'Opaque identifier' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });

export const HOLD_TYPES = [
  'academic',
  'financial',
  'advising',
  'disciplinary',
  'administrative',
] as const;
export const REGISTRATION_STATUSES = [
  'enrolled',
  'waitlisted',
  'offered',
  'pending_payment',
  'dropped',
  'withdrawn',
] as const;
const CLASS_STANDINGS = ['freshman', 'sophomore', 'junior', 'senior', 'graduate'] as const;

export const OverrideName = Type.Enum(OVERRIDES, {
  description: 'A rule an override or permit waives',
});

export const Meeting = Type.Object({
  days: Nullable(Type.String({ description: 'Letters from MTWRFSU; null: arranged' })),
  startTime: Nullable(Type.String({ description: 'HH:MM in the term time zone' })),
  endTime: Nullable(Type.String()),
  location: Nullable(Type.String()),
  startDate: Nullable(Type.String({ description: 'YYYY-MM-DD; null: the term start' })),
  endDate: Nullable(Type.String()),
});

export const SectionSummary = Type.Object({
  id: Id,
  code: Type.String({ description: 'Course code and section code, e.g. CS 225 AL1' }),
  crn: Type.String(),
  termId: Id,
  courseId: Id,
  courseCode: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  linkedGroup: Nullable(Type.String()),
  credits: Type.Number(),
  status: Type.Enum(['active', 'cancelled']),
  meetings: Type.Array(Meeting),
  instructors: Type.Array(Type.String()),
});

export const Registration = Type.Object({
  id: Id,
  termId: Id,
  sectionId: Id,
  section: SectionSummary,
  status: Type.Enum(REGISTRATION_STATUSES),
  credits: Type.Number(),
  waitlistPosition: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Rank on the wait-list now (wait-listed only)' }),
  ),
  offerExpiresAt: Type.Optional(Instant),
  swapDropRegistrationId: Type.Optional(
    Type.String({ description: 'Wait-list swap: this registration is dropped on promotion' }),
  ),
  overrides: Type.Array(Type.String(), { description: 'Overrides that waived a rule' }),
});
export type Registration = Static<typeof Registration>;

export const Blocker = Type.Object(
  {
    code: Type.Enum(BLOCKER_CODES),
    message: Type.String({ description: 'What to do about it' }),
    sectionId: Type.String(),
  },
  { additionalProperties: true },
);

export const ValidationWarning = Type.Object({
  code: Type.String(),
  message: Type.String(),
  sectionId: Type.Optional(Type.String()),
});

export const RegistrationList = Type.Object({ items: Type.Array(Registration) });
export const RegistrationEnvelope = Type.Object({ registration: Registration });
export const RegistrationCreated = Type.Object({
  registration: Registration,
  registrations: Type.Optional(Type.Array(Registration)),
});

export const TermQuery = Type.Object({ termId: Type.Optional(Id) });
export const RequiredTermQuery = Type.Object({ termId: Id });

export const RegisterBody = Type.Object(
  {
    sectionId: Id,
    withSectionIds: Type.Optional(
      Type.Array(Id, {
        maxItems: 10,
        description: 'Linked sections to take together, all or nothing (a lecture and its lab)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const StaffRegisterBody = Type.Object(
  {
    sectionId: Id,
    withSectionIds: Type.Optional(Type.Array(Id, { maxItems: 10 })),
    overrides: Type.Optional(Type.Array(OverrideName, { uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const SwapBody = Type.Object(
  { dropRegistrationId: Id, addSectionId: Id },
  { additionalProperties: false },
);
export const SwapResult = Type.Object({
  dropped: Registration,
  added: Registration,
});

export const RegistrationIdParams = Type.Object({ registrationId: Id });
export const StudentIdParams = Type.Object({ studentId: Id });
export const StudentRegistrationParams = Type.Object({ studentId: Id, registrationId: Id });
export const SectionIdParams = Type.Object({ sectionId: Id });
export const TermIdParams = Type.Object({ termId: Id });
export const TermStudentParams = Type.Object({ termId: Id, studentId: Id });
export const HoldParams = Type.Object({ studentId: Id, holdId: Id });
export const CartItemParams = Type.Object({ itemId: Id });
export const NotificationParams = Type.Object({ notificationId: Id });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const HistoryQuery = Type.Object({ termId: Type.Optional(Id), ...PageQuery });

export const AuditEntry = Type.Object({
  id: Id,
  at: Instant,
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  studentId: Nullable(Type.String()),
  sectionId: Nullable(Type.String()),
  sectionCode: Nullable(Type.String()),
  termId: Nullable(Type.String()),
  registrationId: Nullable(Type.String()),
  action: Type.String({
    description:
      'register, checkout, staff_register, drop, decline_offer, swap, swap_drop, accept_offer, promote, offer_expired, section_cancelled, capacity_change',
  }),
  outcome: Type.String({
    description: 'enrolled, waitlisted, offered, dropped, withdrawn, refused, skipped, changed',
  }),
  blockerCodes: Type.Array(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  requestId: Nullable(Type.String()),
});
export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextCursor: Nullable(Type.String()),
});
export const AuditQuery = Type.Object({
  studentId: Type.Optional(Id),
  sectionId: Type.Optional(Id),
  termId: Type.Optional(Id),
  outcome: Type.Optional(Type.String({ maxLength: 40 })),
  action: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  ...PageQuery,
});

export const CartItem = Type.Object({
  id: Id,
  termId: Id,
  sectionId: Id,
  addedAt: Instant,
  section: SectionSummary,
});
export const Cart = Type.Object({ items: Type.Array(CartItem) });
export const CartItemBody = Type.Object({ sectionId: Id }, { additionalProperties: false });
export const CartItemEnvelope = Type.Object({ item: CartItem });
export const ValidateBody = Type.Object({ termId: Id }, { additionalProperties: false });
export const ValidateResult = Type.Object({
  items: Type.Array(
    Type.Object({
      sectionId: Id,
      ok: Type.Boolean(),
      errors: Type.Array(Blocker),
      waitlist: Type.Boolean({ description: 'No free seat: registering joins the wait-list' }),
    }),
  ),
  warnings: Type.Array(ValidationWarning),
});
export const CheckoutBody = Type.Object(
  {
    termId: Id,
    atomic: Type.Boolean({ default: false, description: 'All or none of the cart' }),
  },
  { additionalProperties: false },
);
export const CheckoutResult = Type.Object({
  results: Type.Array(
    Type.Object({
      sectionId: Id,
      registration: Type.Optional(Registration),
      errors: Type.Optional(Type.Array(Blocker)),
    }),
  ),
  committed: Type.Boolean({
    description: 'Atomic checkout: whether everything was registered (otherwise nothing was)',
  }),
});

export const TimeTicket = Type.Object({
  termId: Id,
  opensAt: Instant,
  closesAt: Instant,
  source: Type.Enum(['student', 'rule', 'term']),
  open: Type.Boolean(),
});

export const Hold = Type.Object({
  id: Id,
  studentId: Id,
  type: Type.Enum(HOLD_TYPES),
  reason: Type.String(),
  blocksRegistration: Type.Boolean(),
  placedBy: Nullable(Type.String()),
  placedByName: Nullable(Type.String()),
  placedAt: Instant,
  liftedBy: Nullable(Type.String()),
  liftedAt: Nullable(Instant),
  liftNote: Nullable(Type.String()),
  liftedByWho: Type.String({ description: 'Who can lift it' }),
});
export const HoldList = Type.Object({ items: Type.Array(Hold) });
export const HoldEnvelope = Type.Object({ hold: Hold });
export const HoldCreate = Type.Object(
  {
    type: Type.Enum(HOLD_TYPES),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
    blocksRegistration: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export const HoldLiftQuery = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) });

export const Permit = Type.Object({
  id: Id,
  sectionId: Id,
  studentId: Id,
  studentName: Nullable(Type.String()),
  overrides: Type.Array(Type.String()),
  note: Nullable(Type.String()),
  grantedBy: Nullable(Type.String()),
  grantedAt: Instant,
});
export const PermitCreate = Type.Object(
  {
    studentId: Id,
    overrides: Type.Array(OverrideName, { uniqueItems: true, maxItems: 8 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const PermitEnvelope = Type.Object({ permit: Permit });
export const PermitList = Type.Object({ items: Type.Array(Permit) });

export const TimeTicketRule = Type.Object(
  {
    minCreditsEarned: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 999 }))),
    classStanding: Type.Optional(Nullable(Type.Enum(CLASS_STANDINGS))),
    opensAt: Instant,
  },
  { additionalProperties: false },
);
export const TimeTicketRulesBody = Type.Object(
  { rules: Type.Array(TimeTicketRule, { maxItems: 100 }) },
  { additionalProperties: false },
);
export const TimeTickets = Type.Object({
  termId: Id,
  rules: Type.Array(
    Type.Object({
      minCreditsEarned: Nullable(Type.Number()),
      classStanding: Nullable(Type.String()),
      opensAt: Instant,
    }),
  ),
  students: Type.Array(Type.Object({ studentId: Id, opensAt: Instant })),
});
export const StudentTicketBody = Type.Object(
  { opensAt: Nullable(Instant) },
  { additionalProperties: false },
);
export const StudentTicket = Type.Object({ termId: Id, studentId: Id, opensAt: Nullable(Instant) });

export const RosterEntry = Type.Object({
  registrationId: Id,
  studentId: Id,
  studentNumber: Type.String(),
  name: Type.String(),
  email: Type.String(),
  program: Nullable(Type.String()),
  classStanding: Type.String(),
  credits: Type.Number(),
  status: Type.String(),
  joinedAt: Instant,
  enrolledAt: Nullable(Instant),
  waitlistPosition: Nullable(Type.Integer()),
  offerExpiresAt: Nullable(Instant),
});
export const Roster = Type.Object({
  sectionId: Id,
  code: Type.String(),
  items: Type.Array(RosterEntry),
});

export const Notification = Type.Object({
  id: Id,
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Instant,
  readAt: Nullable(Instant),
});
export const NotificationPage = Type.Object({
  items: Type.Array(Notification),
  nextCursor: Nullable(Type.String()),
  unreadCount: Type.Integer(),
});
export const NotificationQuery = Type.Object({
  unreadOnly: Type.Optional(Type.Boolean({ default: false })),
  ...PageQuery,
});

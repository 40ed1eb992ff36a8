// API shapes of the registration module (and the catalog shapes its pages show), taken from the
// API's TypeBox schemas. Type-only imports: nothing server-side is bundled into the web app.
import type { Static } from 'typebox';
import type {
  AuditPage as AuditPageSchema,
  Blocker as BlockerSchema,
  Cart as CartSchema,
  CheckoutResult as CheckoutResultSchema,
  Hold as HoldSchema,
  HoldCreate as HoldCreateSchema,
  HoldList as HoldListSchema,
  NotificationPage as NotificationPageSchema,
  Notification as NotificationSchema,
  Permit as PermitSchema,
  PermitCreate as PermitCreateSchema,
  PermitList as PermitListSchema,
  Registration as RegistrationSchema,
  RegistrationCreated as RegistrationCreatedSchema,
  RegistrationEnvelope as RegistrationEnvelopeSchema,
  RegistrationList as RegistrationListSchema,
  Roster as RosterSchema,
  SwapResult as SwapResultSchema,
  TimeTicket as TimeTicketSchema,
  TimeTickets as TimeTicketsSchema,
  ValidateResult as ValidateResultSchema,
} from '../../../../../api/src/modules/registration/registration.schemas.ts';
import type {
  CalendarFeed as CalendarFeedSchema,
  Schedule as ScheduleSchema,
} from '../../../../../api/src/modules/registration/registration.calendar.schemas.ts';
import type {
  SectionPage as SectionPageSchema,
  Section as SectionSchema,
  Term as TermSchema,
  TermPage as TermPageSchema,
} from '../../../../../api/src/modules/catalog/catalog.schemas.ts';
import type { SeatCounts as SeatCountsType } from '../../../../../api/src/modules/registration/registration.live.ts';
import type {
  QueueEvent as QueueEventSchema,
  QueueWaitList as QueueWaitListSchema,
} from '../../../../../api/src/modules/registration/registration.queue.schemas.ts';

export type Registration = Static<typeof RegistrationSchema>;
export type RegistrationList = Static<typeof RegistrationListSchema>;
export type RegistrationCreated = Static<typeof RegistrationCreatedSchema>;
export type RegistrationEnvelope = Static<typeof RegistrationEnvelopeSchema>;
export type SwapResult = Static<typeof SwapResultSchema>;
export type Blocker = Static<typeof BlockerSchema>;
export type Cart = Static<typeof CartSchema>;
export type CartItem = Cart['items'][number];
export type ValidateResult = Static<typeof ValidateResultSchema>;
export type CheckoutResult = Static<typeof CheckoutResultSchema>;
export type Notification = Static<typeof NotificationSchema>;
export type NotificationPage = Static<typeof NotificationPageSchema>;
export type TimeTicket = Static<typeof TimeTicketSchema>;
export type TimeTickets = Static<typeof TimeTicketsSchema>;
export type Hold = Static<typeof HoldSchema>;
export type HoldList = Static<typeof HoldListSchema>;
export type HoldCreate = Static<typeof HoldCreateSchema>;
export type Permit = Static<typeof PermitSchema>;
export type PermitCreate = Static<typeof PermitCreateSchema>;
export type PermitList = Static<typeof PermitListSchema>;
export type Roster = Static<typeof RosterSchema>;
export type AuditPage = Static<typeof AuditPageSchema>;
export type AuditEntry = AuditPage['items'][number];
export type Schedule = Static<typeof ScheduleSchema>;
export type ScheduleItem = Schedule['items'][number];
export type CalendarFeed = Static<typeof CalendarFeedSchema>;
export type Section = Static<typeof SectionSchema>;
export type SectionPage = Static<typeof SectionPageSchema>;
export type Term = Static<typeof TermSchema>;
export type TermPage = Static<typeof TermPageSchema>;
export type SeatCounts = SeatCountsType;
export type Meeting = Registration['section']['meetings'][number];
/** A `queue` event of the live stream: a seat request's place in the admission queue. */
export type QueueEvent = Static<typeof QueueEventSchema>;
export type QueueWaitList = Static<typeof QueueWaitListSchema>;

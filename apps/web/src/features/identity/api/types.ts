// API shapes of the identity module, taken from its TypeBox schemas. Type-only imports: nothing
// server-side is bundled into the web app.
import type { Static } from 'typebox';
import type {
  AcceptedSchema,
  OutboxPageSchema,
  ROLES,
  UserEnvelopeSchema,
  UserPageSchema,
} from '../../../../../api/src/modules/identity/identity.schemas.ts';

export type {
  CreateUserBody,
  LoginBody,
  OutboxMail,
  SessionTokens,
  SignupBody,
  StudentSummary,
  UpdateMeBody,
  User,
} from '../../../../../api/src/modules/identity/identity.schemas.ts';

export type Role = (typeof ROLES)[number];
export type UserEnvelope = Static<typeof UserEnvelopeSchema>;
export type UserPage = Static<typeof UserPageSchema>;
export type OutboxPage = Static<typeof OutboxPageSchema>;
export type Accepted = Static<typeof AcceptedSchema>;

/** Every role, in the order the UI lists them. */
export const ALL_ROLES = [
  'student',
  'instructor',
  'advisor',
  'admin',
] as const satisfies readonly Role[];

// Fails to compile if the API gains a role this list does not show.
const everyRoleListed: Exclude<Role, (typeof ALL_ROLES)[number]> extends never ? true : false =
  true;
void everyRoleListed;

// TypeBox request and response schemas of the identity module and their static types.
import { Type, type Static, type TSchema } from 'typebox';

export const ROLES = ['student', 'instructor', 'advisor', 'admin'] as const;
export const CLASS_STANDINGS = ['freshman', 'sophomore', 'junior', 'senior', 'graduate'] as const;

/** Grades a transcript accepts; the passing ones add to credits earned. */
export const GRADES = [
  'A+',
  'A',
  'A-',
  'B+',
  'B',
  'B-',
  'C+',
  'C',
  'C-',
  'D+',
  'D',
  'D-',
  'F',
  'P',
  'NP',
  'S',
  'U',
  'CR',
  'NC',
  'W',
  'I',
  'AU',
] as const;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdSchema = Type.String({ format: 'uuid' });
export const RoleSchema = Type.Enum([...ROLES]);
export const ClassStandingSchema = Type.Enum([...CLASS_STANDINGS]);
export const GradeSchema = Type.Enum([...GRADES]);
const InstantSchema = Type.String({ format: 'date-time' });

const NameSchema = Type.String({ minLength: 1, maxLength: 200 });
const EmailSchema = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const PasswordSchema = Type.String({ minLength: 1, maxLength: 256 });
const UsernameSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$' });
const InterestsSchema = Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
  maxItems: 30,
  uniqueItems: true,
});
const ProgramCodeSchema = Type.String({ minLength: 1, maxLength: 40 });
const StudentNumberSchema = Type.String({ pattern: '^[A-Za-z0-9-]{3,20}$' });

export const StudentSummarySchema = Type.Object({
  studentNumber: Type.String(),
  program: Nullable(Type.String()),
  classStanding: ClassStandingSchema,
  creditsEarned: Type.Number(),
  interests: Type.Array(Type.String()),
  advisorId: Nullable(Type.String()),
});
export type StudentSummary = Static<typeof StudentSummarySchema>;

export const UserSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  username: Type.Optional(Type.String()),
  roles: Type.Array(RoleSchema),
  disabled: Type.Boolean(),
  createdAt: InstantSchema,
  student: Type.Optional(StudentSummarySchema),
});
export type User = Static<typeof UserSchema>;

export const UserEnvelopeSchema = Type.Object({ user: UserSchema });

export const SignupBodySchema = Type.Object(
  { name: NameSchema, email: EmailSchema, password: PasswordSchema },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBodySchema>;

export const LoginBodySchema = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 254, description: 'Email or username' }),
    password: PasswordSchema,
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBodySchema>;

export const SessionTokensSchema = Type.Object({
  user: UserSchema,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  /** Seconds until the access token expires. */
  expiresIn: Type.Integer(),
});
export type SessionTokens = Static<typeof SessionTokensSchema>;

export const RefreshBodySchema = Type.Object(
  {
    refreshToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Omit to use the refresh_token cookie (then X-CSRF-Token is required)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const LogoutBodySchema = Type.Object(
  { refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);

export const UpdateMeBodySchema = Type.Object(
  { name: Type.Optional(NameSchema), interests: Type.Optional(InterestsSchema) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBodySchema>;

export const PasswordResetRequestBodySchema = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }) },
  { additionalProperties: false },
);

export const PasswordResetConfirmBodySchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), newPassword: PasswordSchema },
  { additionalProperties: false },
);

export const AcceptedSchema = Type.Object({
  status: Type.Literal('accepted'),
  detail: Type.String(),
});

const StudentInputProperties = {
  program: Type.Optional(Nullable(ProgramCodeSchema)),
  classStanding: Type.Optional(ClassStandingSchema),
  advisorId: Type.Optional(Nullable(IdSchema)),
  interests: Type.Optional(InterestsSchema),
};

export const CreateUserBodySchema = Type.Object(
  {
    name: NameSchema,
    email: EmailSchema,
    roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
    password: Type.Optional(PasswordSchema),
    username: Type.Optional(UsernameSchema),
    student: Type.Optional(
      Type.Object(
        {
          studentNumber: Type.Optional(StudentNumberSchema),
          creditsEarned: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
          ...StudentInputProperties,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = Type.Object(
  {
    name: Type.Optional(NameSchema),
    email: Type.Optional(EmailSchema),
    username: Type.Optional(Nullable(UsernameSchema)),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true })),
    disabled: Type.Optional(Type.Boolean()),
    student: Type.Optional(
      Type.Object(StudentInputProperties, { additionalProperties: false, minProperties: 1 }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;

const LimitSchema = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
const CursorSchema = Type.String({ minLength: 1, maxLength: 500 });

export const ListUsersQuerySchema = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Matches name, email, username or student number',
      }),
    ),
    limit: Type.Optional(LimitSchema),
    cursor: Type.Optional(CursorSchema),
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuerySchema>;

export const UserPageSchema = Type.Object({
  items: Type.Array(UserSchema),
  nextCursor: Nullable(Type.String()),
});

export const UserIdParamsSchema = Type.Object({ userId: IdSchema });
export const StudentIdParamsSchema = Type.Object({ studentId: IdSchema });

/**
 * Holds are owned by the registration module; the profile carries their summary. Until a holds
 * reader is registered (registerHoldsSummaryReader), a student has no holds.
 */
export const HoldsSummarySchema = Type.Object({
  active: Type.Integer({ description: 'Holds in force now' }),
  blocksRegistration: Type.Boolean(),
  types: Type.Array(Type.String(), { description: 'Distinct types of the active holds' }),
});
export type HoldsSummary = Static<typeof HoldsSummarySchema>;

export const StudentProfileSchema = Type.Object({
  id: Type.String({ description: 'The student user id (studentId in paths)' }),
  name: Type.String(),
  email: Type.String(),
  username: Type.Optional(Type.String()),
  disabled: Type.Boolean(),
  studentNumber: Type.String(),
  program: Nullable(Type.String()),
  programName: Nullable(Type.String()),
  classStanding: ClassStandingSchema,
  creditsEarned: Type.Number(),
  interests: Type.Array(Type.String()),
  advisor: Nullable(Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() })),
  holdsSummary: HoldsSummarySchema,
});
export type StudentProfile = Static<typeof StudentProfileSchema>;

export const TranscriptEntryBodySchema = Type.Object(
  {
    courseCode: Type.String({ pattern: '^[A-Za-z]{1,8} ?[0-9A-Za-z]{1,8}$', maxLength: 20 }),
    termCode: Type.String({ minLength: 1, maxLength: 20 }),
    grade: GradeSchema,
    credits: Type.Number({ minimum: 0, maximum: 30 }),
  },
  { additionalProperties: false },
);
export type TranscriptEntryBody = Static<typeof TranscriptEntryBodySchema>;

export const TranscriptEntrySchema = Type.Object({
  id: Type.String(),
  courseCode: Type.String(),
  termCode: Type.String(),
  grade: Type.String(),
  credits: Type.Number(),
  passed: Type.Boolean({ description: 'Whether the grade earns the credits' }),
  createdAt: InstantSchema,
});
export type TranscriptEntry = Static<typeof TranscriptEntrySchema>;

export const TranscriptEntryEnvelopeSchema = Type.Object({
  entry: TranscriptEntrySchema,
  creditsEarned: Type.Number(),
  classStanding: ClassStandingSchema,
});

export const TranscriptSchema = Type.Object({
  items: Type.Array(TranscriptEntrySchema),
  creditsEarned: Type.Number(),
});

export const OutboxQuerySchema = Type.Object(
  { limit: Type.Optional(LimitSchema), cursor: Type.Optional(CursorSchema) },
  { additionalProperties: false },
);

export const OutboxMailSchema = Type.Object({
  id: Type.String(),
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  html: Nullable(Type.String()),
  createdAt: InstantSchema,
  sentAt: Nullable(InstantSchema),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
});
export type OutboxMail = Static<typeof OutboxMailSchema>;

export const OutboxPageSchema = Type.Object({
  items: Type.Array(OutboxMailSchema),
  nextCursor: Nullable(Type.String()),
});

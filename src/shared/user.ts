import { z } from 'zod';

export const USER_ROLES = ['rep', 'lead', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A user as the API shows it: never a password hash. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly teamId: string | null;
  readonly weight: number;
  readonly capacity: number;
  readonly active: boolean;
  readonly receivingLeads: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * How a team's new leads find a rep: `fair` (weighted fair routing picks one) or `claim` (every
 * eligible rep is offered the lead and the first to claim it gets it).
 */
export const TEAM_ASSIGNMENTS = ['fair', 'claim'] as const;
export type TeamAssignment = (typeof TEAM_ASSIGNMENTS)[number];

export interface Team {
  readonly id: string;
  readonly name: string;
  /** Optional because servers older than claim mode omit it (read it as `fair`). */
  readonly assignment?: TeamAssignment;
}

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be an email address'))
  .transform((e) => e.toLowerCase());
const password = z.string().min(10, 'must be at least 10 characters').max(1024);
const name = z.string().trim().min(1, 'must not be empty').max(200);
const teamId = z.string().trim().min(1).max(64);
/** Share of leads relative to teammates: a rep with weight 2 gets twice the leads of weight 1. */
const weight = z.number().int('must be a whole number').min(1).max(100);
/** The most untouched leads a rep may hold before routing skips them. */
const capacity = z.number().int('must be a whole number').min(1).max(10_000);

export const LoginRequestSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(254)
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1, 'is required').max(1024),
});

export const CreateTeamSchema = z.strictObject({ name: z.string().trim().min(1).max(100) });

export const UpdateTeamSchema = z.strictObject({
  assignment: z.enum(TEAM_ASSIGNMENTS, { error: 'must be "fair" or "claim"' }),
});
export type UpdateTeamInput = z.output<typeof UpdateTeamSchema>;

export const CreateUserSchema = z.strictObject({
  email,
  name,
  password,
  role: z.enum(USER_ROLES),
  teamId: teamId.nullable().optional(),
  weight: weight.optional(),
  capacity: capacity.optional(),
});
export type CreateUserInput = z.output<typeof CreateUserSchema>;

export const UpdateUserSchema = z
  .strictObject({
    name: name.optional(),
    role: z.enum(USER_ROLES).optional(),
    teamId: teamId.nullable().optional(),
    weight: weight.optional(),
    capacity: capacity.optional(),
    active: z.boolean().optional(),
    receivingLeads: z.boolean().optional(),
    password: password.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'at least one field is required');
export type UpdateUserInput = z.output<typeof UpdateUserSchema>;

export const UpdateMeSchema = z.strictObject({ receivingLeads: z.boolean() });

export const CreateApiKeySchema = z.strictObject({ name: z.string().trim().min(1).max(100) });

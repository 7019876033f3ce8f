import { z } from 'zod';
import { DISPOSITIONS } from '../../../src/shared/dispositions';

/*
 * The cadence and calling-hours parts of the config (`lifecycle.cadence`,
 * `lifecycle.callingHours`): a module of their own, so the playbook built from them
 * (playbook-config.ts) and the whole config schema (schema.ts) both import them without
 * importing each other.
 */

const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be "HH:MM"');
const reasonCode = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be snake_case, e.g. no_budget'),
  label: z.string().trim().min(1).max(100),
});
/** One rung of the retry ladder: a delay, or a lead-local time some days later. */
const retryStep = z.union([
  z.strictObject({
    afterMinutes: z
      .number()
      .min(1)
      .max(30 * 24 * 60),
  }),
  z.strictObject({ days: z.number().int().min(1).max(60), at: clock }),
]);
const partialHours = z.strictObject({
  start: clock.optional(),
  end: clock.optional(),
  weekends: z.boolean().optional(),
});

/** What every outcome schedules (src/shared/playbook.ts; docs/lifecycle.md). */
export const CadenceSchema = z
  .strictObject({
    /** The wait after each attempt that reached nobody; attempts allowed = steps + 1. */
    retryLadder: z
      .array(retryStep)
      .max(30)
      .default([
        { afterMinutes: 10 },
        { afterMinutes: 60 },
        { afterMinutes: 240 },
        { days: 1, at: '10:00' },
        { days: 2, at: '10:00' },
      ]),
    /** Where a lead goes when the ladder's last attempt reached nobody. */
    whenLadderEnds: z.enum(['nurture', 'closed']).default('nurture'),
    /** Per outcome: label, whether it is offered, its reason codes and whether one is required. */
    dispositions: z
      .partialRecord(
        z.enum(DISPOSITIONS),
        z.strictObject({
          label: z.string().trim().min(1).max(100).optional(),
          offered: z.boolean().optional(),
          reasons: z.array(reasonCode).max(50).optional(),
          reasonRequired: z.boolean().optional(),
        }),
      )
      .default({}),
  })
  .prefault({});

/** Lead-local calling hours; `byPlace` keys are "CC" or "CC-REGION" (e.g. "DE", "US-CA"). */
export const CallingHoursSchema = z
  .strictObject({
    start: clock.default('08:00'),
    end: clock.default('21:00'),
    weekends: z.boolean().default(true),
    byPlace: z
      .record(
        z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be "CC" or "CC-REGION"'),
        partialHours,
      )
      .default({}),
  })
  .prefault({});

export type CadenceConfig = z.output<typeof CadenceSchema>;
export type CallingHoursConfig = z.output<typeof CallingHoursSchema>;

import { z } from 'zod';
import { validateRetryLadder } from './cadence';
import { callingWindow } from './calling-window';
import { DISPOSITIONS } from './dispositions';
import { PLACE_KEY } from './playbook';

/*
 * The playbook on the wire (GET /api/v1/playbook), checked by clients. Apart from playbook.ts so
 * the renderer, which only reads a playbook the app already checked, does not bundle zod.
 */

const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be "HH:MM"');
const CallingHoursSchema = z.object({ start: clock, end: clock, weekends: z.boolean() });
const ReasonSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be snake_case'),
  label: z.string().min(1).max(100),
});
const RetryStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('after'), ms: z.number().int().positive() }),
  z.object({ kind: z.literal('local'), days: z.number().int().min(1).max(60), at: clock }),
]);

/** `GET /api/v1/playbook`, checked by clients (non-strict: a newer server may add keys). */
export const PlaybookSchema = z
  .object({
    dispositions: z
      .array(
        z.object({
          key: z.enum(DISPOSITIONS),
          label: z.string().min(1).max(100),
          shortcut: z.string().regex(/^[1-9]$/),
          reasons: z.array(ReasonSchema).max(50),
          reasonRequired: z.boolean(),
        }),
      )
      .min(1)
      .max(9),
    retryLadder: z.object({ steps: z.array(RetryStepSchema).max(30) }),
    whenLadderEnds: z.enum(['nurture', 'closed']),
    callingHours: z.object({
      default: CallingHoursSchema,
      byPlace: z.record(z.string().regex(PLACE_KEY), CallingHoursSchema),
    }),
  })
  .superRefine((p, ctx) => {
    try {
      validateRetryLadder(p.retryLadder);
      callingWindow(p.callingHours.default);
      for (const h of Object.values(p.callingHours.byPlace)) callingWindow(h);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: String(error) });
    }
  });

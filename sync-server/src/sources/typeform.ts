import { z } from 'zod';
import type { MappedLead } from './mapped-lead';
import {
  DEFAULT_FORM_SIGNALS,
  guessTarget,
  LeadDraft,
  type LeadTarget,
  type TypeformMapping,
} from './mapping';

/*
 * Typeform webhooks (typeform.com/developers/webhooks). One POST per submission:
 * `{event_id, event_type: "form_response", form_response: {form_id, token, landed_at,
 * submitted_at, hidden, definition: {fields: [{id, ref, type, title}]}, answers: [{type, field:
 * {id, ref, type}, <type>: value}]}}`. With a secret set on the webhook, Typeform signs the raw
 * body: `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, body)>`. The response `token`
 * identifies the submission; `event_id` the delivery (the same on Typeform's retries).
 */

export const TYPEFORM_SIGNATURE_HEADER = 'typeform-signature';

const Answer = z.looseObject({
  type: z.string().max(50),
  field: z.looseObject({
    id: z.string().max(100),
    ref: z.string().max(255).nullish(),
    type: z.string().max(50).nullish(),
  }),
});
type TypeformAnswer = z.output<typeof Answer>;

export const TypeformEventSchema = z.looseObject({
  event_id: z.string().trim().min(1).max(200),
  event_type: z.string().max(100),
  form_response: z.looseObject({
    form_id: z.string().max(100),
    token: z.string().trim().min(1).max(200),
    submitted_at: z.string().max(40).nullish(),
    landed_at: z.string().max(40).nullish(),
    hidden: z.record(z.string().max(255), z.unknown()).nullish(),
    definition: z
      .looseObject({
        fields: z
          .array(
            z.looseObject({
              id: z.string().max(100),
              ref: z.string().max(255).nullish(),
              title: z.string().max(5000).nullish(),
            }),
          )
          .max(1000)
          .nullish(),
      })
      .nullish(),
    answers: z.array(Answer).max(1000).nullish(),
  }),
});
export type TypeformEvent = z.output<typeof TypeformEventSchema>;

/** The one event that is a submission; others (e.g. partial responses) make no lead. */
export const TYPEFORM_SUBMISSION = 'form_response';

/**
 * An answer as text, by its documented type: `text`, `email`, `url`, `file_url`, `date`,
 * `phone_number` are strings; `number`, `boolean`; `choice: {label, other}`, `choices: {labels,
 * other}`; `payment: {amount}`. Anything else: the value under its type's name, if plain.
 */
export function answerText(answer: TypeformAnswer): string | undefined {
  const value: unknown = answer[answer.type];
  switch (answer.type) {
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 'yes' : 'no') : undefined;
    case 'choice':
      return isObject(value) ? (text(value.label) ?? text(value.other)) : undefined;
    case 'choices': {
      if (!isObject(value)) return undefined;
      const labels = Array.isArray(value.labels) ? value.labels.map(text) : [];
      const all = [...labels, text(value.other)].filter((l): l is string => l !== undefined);
      return all.length > 0 ? all.join(', ') : undefined;
    }
    case 'payment':
      return isObject(value) ? text(value.amount) : undefined;
    default:
      return text(value);
  }
}

/**
 * Maps a verified submission to a lead body. A field's target is, in order: the source's
 * mapping for its ref; the lead field its ref names (`email`, `first_name`, `company`, ...); an
 * email or phone answer to email or phone while those are free; else a custom field named
 * after the question's title.
 */
export function mapTypeformResponse(
  event: TypeformEvent,
  mapping: TypeformMapping,
  sourceName: string,
): MappedLead {
  const response = event.form_response;
  const explicit = new Map<string, LeadTarget | null>(Object.entries(mapping.fields ?? {}));
  const hiddenExplicit = new Map<string, LeadTarget | null>(Object.entries(mapping.hidden ?? {}));
  const keepUnmapped = (mapping.unmapped ?? 'fields') === 'fields';
  const definitions = new Map((response.definition?.fields ?? []).map((f) => [f.id, f]));

  const draft = new LeadDraft();
  draft.set('externalId', response.token, 'token');
  for (const answer of response.answers ?? []) {
    const value = answerText(answer);
    if (value === undefined) continue;
    const definition = definitions.get(answer.field.id);
    const ref = answer.field.ref ?? definition?.ref ?? answer.field.id;
    const target = explicit.has(ref)
      ? explicit.get(ref)
      : (guessTarget(ref) ?? byAnswerType(answer.type, draft));
    if (target === null) continue;
    if (target !== undefined) draft.set(target, value, ref);
    else if (keepUnmapped) draft.field(definition?.title?.trim() || ref, value);
  }
  for (const [name, raw] of Object.entries(response.hidden ?? {})) {
    const value = text(raw);
    if (value === undefined) continue;
    const target = hiddenExplicit.has(name) ? hiddenExplicit.get(name) : guessTarget(name);
    if (target === null) continue;
    if (target !== undefined) draft.set(target, value, name);
    else if (keepUnmapped) draft.field(name, value);
  }
  draft.setTime('receivedAt', response.submitted_at, 'submitted_at');
  draft.field('typeform_form_id', response.form_id);

  return {
    deliveryId: event.event_id,
    body: draft.toBody(sourceName, mapping.signals ?? DEFAULT_FORM_SIGNALS),
    isTest: false,
    notes: draft.notes,
  };
}

function byAnswerType(type: string, draft: LeadDraft): LeadTarget | undefined {
  if (type === 'email' && !draft.has('email')) return 'email';
  if (type === 'phone_number' && !draft.has('phone')) return 'phone';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return undefined;
}

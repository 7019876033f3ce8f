import { z } from 'zod';
import { DEFAULT_FORM_SIGNALS, LeadDraft, type GoogleAdsMapping, type LeadTarget } from './mapping';
import type { MappedLead } from './mapped-lead';

/*
 * Google Ads lead form webhooks (developers.google.com/google-ads/webhook/docs/implementation).
 * Google POSTs one JSON `WebhookLead` per lead: `lead_id` (unique across forms: the key to
 * dedupe on), `user_column_data` (`column_id` such as FULL_NAME or EMAIL, `string_value`,
 * sometimes a human `column_name`), form / campaign / ad group / creative ids, `gcl_id`,
 * `is_test` for the "send test data" button, and `google_key`: the key the advertiser typed
 * into the form's webhook settings, the only proof the request comes from Google. Unknown
 * fields are ignored, as Google asks, so new schema versions keep working.
 */

/** Ids are int64: numbers in Google's JSON, but accept strings too (proto3's JSON mapping). */
const Id = z.union([z.number(), z.string().max(40)]).transform(String);

export const GoogleLeadSchema = z.looseObject({
  lead_id: z.string().trim().min(1).max(200),
  user_column_data: z
    .array(
      z.looseObject({
        column_id: z.string().max(200).nullish(),
        column_name: z.string().max(1000).nullish(),
        string_value: z.string().max(20_000).nullish(),
      }),
    )
    .max(500)
    .nullish(),
  api_version: z.string().max(20).nullish(),
  form_id: Id.nullish(),
  campaign_id: Id.nullish(),
  adgroup_id: Id.nullish(),
  creative_id: Id.nullish(),
  asset_group_id: Id.nullish(),
  gcl_id: z.string().max(1000).nullish(),
  google_key: z.string().nullish(),
  is_test: z.boolean().nullish(),
  lead_submit_time: z.string().max(40).nullish(),
});
export type GoogleLead = z.output<typeof GoogleLeadSchema>;

/** What each documented column becomes when the source's mapping does not say. */
export const DEFAULT_GOOGLE_COLUMNS: Readonly<Record<string, LeadTarget>> = {
  FULL_NAME: 'name',
  FIRST_NAME: 'firstName',
  LAST_NAME: 'lastName',
  EMAIL: 'email',
  WORK_EMAIL: 'email',
  PHONE_NUMBER: 'phone',
  WORK_PHONE: 'phone',
  COMPANY_NAME: 'company',
  JOB_TITLE: 'title',
  COUNTRY: 'country',
  REGION: 'region',
  CITY: 'fields.city',
  POSTAL_CODE: 'fields.postal_code',
  STREET_ADDRESS: 'fields.street_address',
};

/** The `google_key` of a body, read before anything else is trusted; undefined when absent. */
export function googleKeyOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('google_key' in body)) return undefined;
  return typeof body.google_key === 'string' && body.google_key !== ''
    ? body.google_key
    : undefined;
}

/**
 * Maps a verified Google lead to a lead body.
 *
 *   const { body, deliveryId, isTest } = mapGoogleLead(lead, mapping, 'Google Ads Q4');
 */
export function mapGoogleLead(
  lead: GoogleLead,
  mapping: GoogleAdsMapping,
  sourceName: string,
): MappedLead {
  const columns = new Map<string, LeadTarget | null>(Object.entries(DEFAULT_GOOGLE_COLUMNS));
  for (const [id, target] of Object.entries(mapping.columns ?? {}))
    columns.set(id.toUpperCase(), target);
  const keepUnmapped = (mapping.unmapped ?? 'fields') === 'fields';

  const draft = new LeadDraft();
  // Google's own id first, so a column the admin also mapped to externalId cannot displace it.
  draft.set('externalId', lead.lead_id, 'lead_id');
  for (const column of lead.user_column_data ?? []) {
    const value = column.string_value;
    const id = column.column_id?.trim().toUpperCase() || undefined;
    const key = id?.toLowerCase() ?? column.column_name?.trim();
    if (value === null || value === undefined || !key) continue;
    const target = id === undefined ? undefined : columns.get(id);
    if (target === null) continue;
    if (target !== undefined) draft.set(target, value, key);
    else if (keepUnmapped) draft.field(key, value);
  }
  draft.setTime('receivedAt', lead.lead_submit_time, 'lead_submit_time');
  const ids = {
    google_form_id: lead.form_id,
    google_campaign_id: lead.campaign_id,
    google_adgroup_id: lead.adgroup_id,
    google_creative_id: lead.creative_id,
    google_asset_group_id: lead.asset_group_id,
    google_gcl_id: lead.gcl_id,
  };
  for (const [key, value] of Object.entries(ids)) if (value) draft.field(key, value);

  return {
    deliveryId: lead.lead_id,
    body: draft.toBody(sourceName, mapping.signals ?? DEFAULT_FORM_SIGNALS),
    isTest: lead.is_test === true,
    notes: draft.notes,
  };
}

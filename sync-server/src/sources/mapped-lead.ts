/** What a kind's mapper makes of a verified delivery: a lead body for the shared validation. */
export interface MappedLead {
  /** The sender's id for the delivery: repeats of it create nothing new. */
  readonly deliveryId: string;
  /** What POST /api/v1/leads would have been sent; validated by `leadInputSchema` next. */
  readonly body: Record<string, unknown>;
  /** A sender's test delivery (Google `is_test`): recorded, never a lead. */
  readonly isTest: boolean;
  /** What mapping had to cut or drop, for the delivery record. */
  readonly notes: readonly string[];
}

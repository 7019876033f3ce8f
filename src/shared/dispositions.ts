/**
 * What a rep records after a call. Each disposition is an attempt (it touches the lead) and says
 * what happens to the lead next. The lead-lifecycle issue makes the follow-ups configurable
 * (retry ladder, reason codes); the keys and their meaning are fixed here so the app, the client
 * core and the server agree.
 */
export const DISPOSITIONS = [
  'no_answer',
  'voicemail',
  'callback',
  'qualified',
  'meeting_booked',
  'not_interested',
  'bad_number',
  'not_sales_ready',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Where the lead goes after the outcome: stays in the queue, or leaves it. */
export type DispositionEffect = 'retry' | 'callback' | 'won' | 'closed' | 'nurture';

export interface DispositionInfo {
  readonly key: Disposition;
  readonly label: string;
  /** The keyboard digit the app shows for it. */
  readonly shortcut: string;
  readonly effect: DispositionEffect;
  /** True when the rep talked to the lead. */
  readonly connected: boolean;
}

export const DISPOSITION_INFO: Readonly<Record<Disposition, DispositionInfo>> = {
  no_answer: {
    key: 'no_answer',
    label: 'No answer',
    shortcut: '1',
    effect: 'retry',
    connected: false,
  },
  voicemail: {
    key: 'voicemail',
    label: 'Left voicemail',
    shortcut: '2',
    effect: 'retry',
    connected: false,
  },
  callback: {
    key: 'callback',
    label: 'Connected, call back later',
    shortcut: '3',
    effect: 'callback',
    connected: true,
  },
  qualified: {
    key: 'qualified',
    label: 'Qualified',
    shortcut: '4',
    effect: 'won',
    connected: true,
  },
  meeting_booked: {
    key: 'meeting_booked',
    label: 'Meeting booked',
    shortcut: '5',
    effect: 'won',
    connected: true,
  },
  not_interested: {
    key: 'not_interested',
    label: 'Not interested',
    shortcut: '6',
    effect: 'closed',
    connected: true,
  },
  bad_number: {
    key: 'bad_number',
    label: 'Bad number',
    shortcut: '7',
    effect: 'closed',
    connected: false,
  },
  not_sales_ready: {
    key: 'not_sales_ready',
    label: 'Not sales-ready',
    shortcut: '8',
    effect: 'nurture',
    connected: true,
  },
};

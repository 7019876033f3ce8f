import { useEffect, useMemo, useState } from 'react';
import type { AppQueueItem } from '../../../shared/app-api';
import type { LocalLead } from '../../../shared/client-api';
import { call } from '../lib/api';
import { useAfterPaint } from './use-after-paint';

/*
 * The selected lead as the inbox works on it and as its detail pane shows it. Until lead.get
 * answers (a few ms), the row's own data stands in, so keys pressed right after moving act on
 * the highlighted lead instead of being lost.
 *
 *   const { current, detail } = useLeadView(sel.id, selectedItem, queue.version);
 */

/** What the detail pane shows: taken only once the frame with the new highlight is painted. */
export interface LeadDetailView {
  readonly id: string | null;
  /** The whole lead, or the row's stand-in while it loads. */
  readonly view: LocalLead | null;
  /** The whole lead once lead.get answered (null while it loads). */
  readonly loaded: LocalLead | null;
  readonly item: AppQueueItem | null;
}

export interface LeadView {
  /** The selected lead now: the whole lead, or the row's stand-in while it loads. */
  readonly current: LocalLead | null;
  readonly detail: LeadDetailView;
}

/** `version` changes with each queue answer: the whole lead is read again with it. */
export function useLeadView(
  selectedId: string | null,
  item: AppQueueItem | null,
  version: number,
): LeadView {
  const [view, setView] = useState<LocalLead | null>(null);
  const loaded = view !== null && view.lead.id === selectedId ? view : null;
  const placeholder = useMemo(() => (item ? placeholderView(item) : null), [item]);
  const current = loaded ?? placeholder;

  // The detail pane (and its lead.get) follows once the frame with the new highlight is
  // painted: the render of a key press leaves the (memoised) pane's props as they were, so that
  // frame holds two rows' change of class, and the pane renders in a task of its own.
  const detail = useAfterPaint(
    useMemo(
      () => ({ id: selectedId, view: current, loaded, item }),
      [selectedId, current, loaded, item],
    ),
  );
  const detailId = detail.id;

  // The whole lead (message, timeline) for the selection; refreshed with the queue.
  useEffect(() => {
    if (detailId === null) {
      setView(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      call('lead.get', { id: detailId })
        .then((v) => {
          if (live) setView(v);
        })
        .catch(() => undefined);
    }, 30);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [detailId, version]);

  return { current, detail };
}

/** What a queue row knows of its lead, shaped as the full view (the rest arrives with lead.get). */
function placeholderView(item: AppQueueItem): LocalLead {
  const l = item.lead;
  return {
    lead: {
      ...l,
      externalId: null,
      region: null,
      message: null,
      signals: [],
      fields: {},
      scoreReasons: [],
      teamId: null,
      assignedTo: null,
      assignedAt: null,
      lastAttemptAt: null,
      createdAt: l.receivedAt,
      updatedAt: l.receivedAt,
    },
    timeline: [],
    pending: item.pending,
    revoked: null,
  };
}

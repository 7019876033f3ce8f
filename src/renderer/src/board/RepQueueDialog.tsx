import { type JSX, useEffect, useState } from 'react';
import type { RepQueueItem } from '../../../shared/board-view';
import { isoMs } from '../../../shared/iso-time';
import { Kbd } from '../components/Kbd';
import { Modal } from '../components/Modal';
import { errorText } from '../lib/api';
import { Age } from './Ticking';

const TIER_LABEL = { hot: 'Hot', warm: 'Warm', cold: 'Cold' } as const;

/** One rep's queue in the order the rep sees it, read-only: what they have on their plate. */
export function RepQueueDialog(props: {
  readonly repName: string;
  readonly load: () => Promise<readonly RepQueueItem[]>;
  readonly onClose: () => void;
}): JSX.Element {
  const { load } = props;
  const [items, setItems] = useState<readonly RepQueueItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load()
      .then((found) => {
        if (live) setItems(found);
      })
      .catch((e: unknown) => {
        if (live) setError(errorText(e));
      });
    return () => {
      live = false;
    };
  }, [load]);
  return (
    <Modal title={`${props.repName}’s queue`} onClose={props.onClose} wide>
      <div className="rep-queue" data-testid="rep-queue">
        {error !== null && <p className="form-error">{error}</p>}
        {items === null && error === null && <p className="muted">Loading…</p>}
        {items !== null && items.length === 0 && <p className="muted">Nothing in this queue.</p>}
        {items !== null && items.length > 0 && (
          <ol className="rep-queue__list" aria-label={`${props.repName}’s queue`}>
            {items.map(({ lead, row }) => (
              <li key={lead.id} className="rep-queue__item" data-lead-id={lead.id}>
                <span className={`tier tier--${lead.tier}`}>{TIER_LABEL[lead.tier]}</span>
                <span className="lead__who">
                  <span className="lead__name">{lead.name}</span>
                  {lead.company !== null && <span className="lead__company">{lead.company}</span>}
                  <span className="lead__detail">{row?.reason ?? lead.status}</span>
                </span>
                <span className="lead__clocks">
                  <Age
                    since={lead.firstTouchAt === null ? isoMs(lead.receivedAt) : null}
                    className="leads__age"
                  />
                  <span className="muted">
                    {lead.attempts === 0
                      ? 'no calls'
                      : `${lead.attempts} call${lead.attempts > 1 ? 's' : ''}`}
                  </span>
                </span>
              </li>
            ))}
          </ol>
        )}
        <div className="modal__buttons">
          <button type="button" className="primary" onClick={props.onClose}>
            Close <Kbd k="Esc" />
          </button>
        </div>
      </div>
    </Modal>
  );
}

import type { JSX } from 'react';
import type { PresenceState } from '../../../shared/board-protocol';
import { PRESENCE_LABEL, PRESENCE_SHORT } from './figures';
import { Age } from './Ticking';

/** Receiving / online / away / offline, and for how long (ticking). */
export function PresenceChip({
  presence,
  since,
}: {
  readonly presence: PresenceState;
  readonly since?: number;
}): JSX.Element {
  return (
    <span className={`presence presence--${presence}`} title={PRESENCE_LABEL[presence]}>
      <span className="presence__dot" aria-hidden="true" />
      {PRESENCE_SHORT[presence]}
      {since !== undefined && <Age since={since} className="presence__since" />}
    </span>
  );
}

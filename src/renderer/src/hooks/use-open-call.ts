import { useEffect, useState } from 'react';
import type { OpenCall } from '../../../shared/client-api';
import { call, onAppEvent } from '../lib/api';
import type { Commands } from './use-commands';
import type { SelectionControls } from './use-selection';

/*
 * A call the rep started and has not logged: they stay on that lead until they log how it went
 * (or say it did not happen). A call left open (the app was closed mid-call) is found at mount
 * and brings the rep back to that lead.
 *
 *   const call = useOpenCall(select, commands);
 *   if (call.holds(targetId)) return; // said why, and its lead is back up
 */

export interface OpenCallState {
  /** The open call, as the app reports it; null when none. */
  readonly openCall: OpenCall | null;
  /** With a call open, going to `targetId` is refused: says so, and brings its lead back up. */
  readonly holds: (targetId: string | null) => boolean;
  /** The call did not happen: closes it with nothing logged. */
  readonly cancel: () => void;
}

/** `select` and `commands` are the inbox's (created once). */
export function useOpenCall(select: SelectionControls, commands: Commands): OpenCallState {
  const [openCall, setOpenCall] = useState<OpenCall | null>(null);
  useEffect(() => {
    let live = true;
    call('status.get', {})
      .then((status) => {
        if (!live || !status.openCall) return;
        setOpenCall(status.openCall);
        select.focus(status.openCall.leadId);
      })
      .catch(() => undefined);
    const off = onAppEvent((event) => {
      if (event.type === 'call.changed') setOpenCall(event.call);
    });
    return () => {
      live = false;
      off();
    };
  }, [select]);

  const holds = (targetId: string | null): boolean => {
    if (!openCall || targetId === openCall.leadId) return false;
    const leadId = openCall.leadId;
    select.setPinned(null);
    select.focus(leadId);
    commands.say(
      leadId,
      'Log how the call went first (the outcome keys), or x if the call did not happen.',
    );
    return true;
  };

  const cancel = (): void => {
    if (!openCall) return;
    const leadId = openCall.leadId;
    call('call.cancel', {})
      .then(() => commands.say(leadId, 'No call: nothing logged.'))
      .catch(() => undefined);
  };

  return { openCall, holds, cancel };
}

import { useEffect, useRef, useState } from 'react';
import type { OpenCall } from '../../../shared/client-api';
import { call, onAppEvent } from '../lib/api';

/**
 * A call the rep started and has not logged (they stay on that lead until they do), as the app
 * reports it. A call left open (the app was closed mid-call) is found at mount and handed to
 * `resume`, which brings the rep back to that lead.
 *
 *   const openCall = useOpenCall(selection.focus);
 */
export function useOpenCall(resume: (leadId: string) => void): OpenCall | null {
  const [openCall, setOpenCall] = useState<OpenCall | null>(null);
  const resumeRef = useRef(resume);
  resumeRef.current = resume;
  useEffect(() => {
    let live = true;
    call('status.get', {})
      .then((status) => {
        if (!live || !status.openCall) return;
        setOpenCall(status.openCall);
        resumeRef.current(status.openCall.leadId);
      })
      .catch(() => undefined);
    const off = onAppEvent((event) => {
      if (event.type === 'call.changed') setOpenCall(event.call);
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return openCall;
}

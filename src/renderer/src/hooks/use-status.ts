import { useCallback, useEffect, useState } from 'react';
import type { SyncStatus } from '../../../shared/client-api';
import { call, onAppEvent } from '../lib/api';

/** Online/offline, last sync, pending and rejected changes: re-read when the app reports them. */
const STATUS_EVENTS: ReadonlySet<string> = new Set([
  'online',
  'offline',
  'synced',
  'queued',
  'outcome.acked',
  'rejected',
  'stopped',
  'change.skipped',
]);

export function useStatus(): { status: SyncStatus | null; refresh: () => void } {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const refresh = useCallback(() => {
    call('status.get', {})
      // The same status as before is not a new render.
      .then((next) => setStatus((cur) => (cur !== null && sameStatus(cur, next) ? cur : next)))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    refresh();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const off = onAppEvent((event) => {
      if (!STATUS_EVENTS.has(event.type)) return;
      pending ??= setTimeout(() => {
        pending = null;
        refresh();
      }, 16);
    });
    // The "last sync" clock and a silent reconnect: a slow poll as a safety net.
    const timer = setInterval(refresh, 5000);
    return () => {
      off();
      clearInterval(timer);
      if (pending) clearTimeout(pending);
    };
  }, [refresh]);
  return { status, refresh };
}

function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.online === b.online &&
    a.lastSyncAt === b.lastSyncAt &&
    a.pending === b.pending &&
    a.rejected === b.rejected &&
    a.receivingLeads === b.receivingLeads &&
    a.stopped === b.stopped &&
    a.skipped === b.skipped
  );
}

import { useEffect, useState } from 'react';
import { DEFAULT_PLAYBOOK, type Playbook } from '../../../shared/playbook';
import { call, onAppEvent } from '../lib/api';

/**
 * The team's playbook (outcomes, their keys and reasons): the app's copy of the server's,
 * asked for once and again whenever the app says it changed. The defaults stand in until then.
 */
export function usePlaybook(): Playbook {
  const [playbook, setPlaybook] = useState<Playbook>(DEFAULT_PLAYBOOK);
  useEffect(() => {
    let live = true;
    const load = () => {
      call('playbook.get', {})
        .then((p) => {
          if (live) setPlaybook(p);
        })
        .catch(() => undefined);
    };
    load();
    const off = onAppEvent((event) => {
      if (event.type === 'playbook.changed') load();
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return playbook;
}

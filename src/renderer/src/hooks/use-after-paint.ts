import { useEffect, useRef, useState } from 'react';
import { afterNextPaint } from '../lib/after-paint';

/**
 * `value`, but taking a new value only once the next frame is painted (lib/after-paint.ts):
 * what depends on it (the lead detail beside the queue) renders in a task of its own, after the
 * frame that shows what changed first (the highlighted row). A value that changes again before
 * then is taken at its latest (keys held down move the highlight; the detail catches up when
 * they pause).
 *
 * useDeferredValue is not enough: React renders the deferred value in the next task, which the
 * browser runs before that frame, so the frame waits for it.
 */
export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return afterNextPaint(() => setShown(() => latest.current));
  }, [value, shown]);
  return shown;
}

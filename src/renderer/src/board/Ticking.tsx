import { type JSX, useRef } from 'react';
import { useTick } from '../hooks/use-tick';
import { setClass, setText } from '../lib/dom';
import { slaState } from '../lib/time';
import { ageText } from './figures';

/**
 * How long since `since`, painted by the page's one ticker into its own span: the board never
 * re-renders because a second passed (figures only carry the start time: docs/metrics.md).
 */
export function Age({
  since,
  className,
  testId,
}: {
  readonly since: number | null;
  readonly className?: string;
  readonly testId?: string;
}): JSX.Element {
  const ref = useRef<HTMLSpanElement>(null);
  useTick(
    (now) => {
      if (ref.current) setText(ref.current, ageText(now, since));
    },
    [since],
  );
  return <span className={className} ref={ref} data-testid={testId} />;
}

/** An at-risk lead's SLA clock: time left, coloured by how little; "+4m 10s" once past it. */
export function SlaClock({
  dueAt,
  receivedAt,
}: {
  readonly dueAt: number;
  readonly receivedAt: number;
}): JSX.Element {
  const ref = useRef<HTMLSpanElement>(null);
  useTick(
    (now) => {
      const el = ref.current;
      if (!el) return;
      const s = slaState(dueAt, receivedAt, now);
      setText(el, s.level === 'breached' ? `${s.text} late` : `${s.text} left`);
      setClass(el, `sla sla--${s.level}`);
    },
    [dueAt, receivedAt],
  );
  return <span className="sla" ref={ref} />;
}

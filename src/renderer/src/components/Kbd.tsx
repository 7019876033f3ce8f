import type { JSX } from 'react';

/** A key cap: the UI shows the key for every action. */
export function Kbd({ k }: { k: string }): JSX.Element | null {
  if (k === '') return null;
  return <kbd className="kbd">{k}</kbd>;
}

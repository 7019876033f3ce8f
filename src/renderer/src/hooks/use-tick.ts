import { useEffect } from 'react';
import { type TickCell, ticker } from '../lib/ticker';

/**
 * Registers `paint` with the page's one ticker while the component is mounted (and again when a
 * value in `deps` changes). `paint` writes to DOM nodes through refs; it never sets state.
 */
export function useTick(paint: TickCell, deps: readonly unknown[]): void {
  useEffect(() => ticker.add(paint), deps);
}

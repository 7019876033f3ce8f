import { type RefObject, useEffect, useRef, useState } from 'react';
import type { QueueLead } from '../../../shared/app-api';
import { call } from '../lib/api';

/*
 * The inbox's search box: the app looks through every lead it holds (open or not), asked again
 * 80 ms after the last keystroke.
 *
 *   const search = useSearch();
 *   <SearchBox ref={search.ref} query={search.query} ... onMove={search.controls.move} />
 */

/** Created once: safe for memoised components. */
export interface SearchControls {
  readonly setQuery: (query: string) => void;
  /** Moves the highlight among the results. */
  readonly move: (delta: number) => void;
  /** Empties the box and leaves it. */
  readonly close: () => void;
  readonly focus: () => void;
}

export interface Search {
  readonly ref: RefObject<HTMLInputElement | null>;
  readonly query: string;
  /** Null while the box is empty. */
  readonly results: readonly QueueLead[] | null;
  /** The highlighted result. */
  readonly active: number;
  readonly controls: SearchControls;
}

export function useSearch(): Search {
  const ref = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly QueueLead[] | null>(null);
  const [active, setActive] = useState(0);
  const resultsRef = useRef(results);
  resultsRef.current = results;
  const [controls] = useState<SearchControls>(() => ({
    setQuery,
    move: (delta) =>
      setActive((a) => Math.max(0, Math.min((resultsRef.current?.length ?? 1) - 1, a + delta))),
    close: () => {
      setQuery('');
      setResults(null);
      ref.current?.blur();
    },
    focus: () => ref.current?.focus(),
  }));

  useEffect(() => {
    if (query.trim() === '') {
      setResults(null);
      return;
    }
    const timer = setTimeout(() => {
      call('leads.search', { query })
        .then((found) => {
          setResults(found);
          setActive(0);
        })
        .catch(() => setResults([]));
    }, 80);
    return () => clearTimeout(timer);
  }, [query]);

  return { ref, query, results, active, controls };
}

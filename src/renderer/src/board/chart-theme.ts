import { useEffect, useState } from 'react';

/*
 * The charts draw on a canvas, which cannot read CSS variables: these are the page's tokens
 * (styles.css) resolved to colours for the theme in force, read again when it changes (the
 * rep's setting on <html data-theme>, or the system's scheme).
 */

export interface ChartTheme {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly accent: string;
  readonly second: string;
  readonly urgent: string;
  /** Axis labels: the font of the page, at the board's size. */
  readonly font: string;
}

const TOKENS = {
  text: '--text',
  muted: '--text-muted',
  grid: '--border',
  accent: '--accent',
  second: '--cold',
  urgent: '--urgent',
} as const;

/** Resolves each token through a hidden element: `light-dark()` only resolves on a property. */
export function readChartTheme(fontPx: number): ChartTheme {
  const probe = document.createElement('span');
  probe.hidden = true;
  document.body.append(probe);
  const colour = (token: string): string => {
    probe.style.color = `var(${token})`;
    return getComputedStyle(probe).color;
  };
  const theme: ChartTheme = {
    text: colour(TOKENS.text),
    muted: colour(TOKENS.muted),
    grid: colour(TOKENS.grid),
    accent: colour(TOKENS.accent),
    second: colour(TOKENS.second),
    urgent: colour(TOKENS.urgent),
    font: `${fontPx}px ${getComputedStyle(document.body).fontFamily}`,
  };
  probe.remove();
  return theme;
}

/** The chart colours now, and again whenever the theme changes. */
export function useChartTheme(fontPx: number): ChartTheme {
  const [theme, setTheme] = useState(() => readChartTheme(fontPx));
  useEffect(() => {
    const reread = (): void => {
      const next = readChartTheme(fontPx);
      setTheme((cur) => (JSON.stringify(cur) === JSON.stringify(next) ? cur : next));
    };
    reread();
    const observer = new MutationObserver(reread);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    const scheme = window.matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', reread);
    return () => {
      observer.disconnect();
      scheme.removeEventListener('change', reread);
    };
  }, [fontPx]);
  return theme;
}

import { type JSX, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  /** The chart's options for a width (uPlot needs pixels); a new function rebuilds the chart. */
  readonly options: (width: number) => uPlot.Options;
  readonly data: uPlot.AlignedData;
  /** What the chart says, for screen readers (a canvas says nothing). */
  readonly label: string;
  readonly testId?: string;
}

/**
 * One uPlot chart in a box that sets its width: built once per `options`, fed new `data` in
 * place (no rebuild, no flicker), resized with its box, destroyed with the component. uPlot
 * draws on a canvas and styles its own nodes through the CSSOM, which the CSP allows.
 */
export function UPlotChart({ options, data, label, testId }: Props): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const made = new uPlot(options(widthOf(el)), dataRef.current, el);
    chart.current = made;
    const resize = new ResizeObserver(() => {
      const width = widthOf(el);
      if (width !== made.width) made.setSize({ width, height: made.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      chart.current = null;
    };
  }, [options]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return (
    <div className="chart__plot" ref={box} role="img" aria-label={label} data-testid={testId} />
  );
}

function widthOf(el: HTMLElement): number {
  return Math.max(160, Math.floor(el.clientWidth));
}

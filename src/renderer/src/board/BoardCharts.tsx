import { type JSX, memo, useMemo } from 'react';
import uPlot from 'uplot';
import type { BoardCharts } from '../../../shared/board-charts';
import { useChartTheme, type ChartTheme } from './chart-theme';
import { dayLabel, durationText, durationUnit, hourLabel, NONE } from './figures';
import { bucketLabel, type Histogram, speedHistogram } from './histogram';
import { UPlotChart } from './UPlotChart';

interface Props {
  readonly charts: BoardCharts | null;
  readonly error: string | null;
  /** The wallboard's larger type. */
  readonly big?: boolean;
}

/**
 * The board's three charts: today's speed-to-lead distribution, its daily median and p90 over
 * the last days, and today's SLA breaches by hour. Drawn by uPlot on canvas, coloured from the
 * page's theme.
 */
export const BoardChartsPanel = memo(function BoardChartsPanel({
  charts,
  error,
  big = false,
}: Props): JSX.Element {
  const theme = useChartTheme(big ? 17 : 11);
  const height = big ? 260 : 170;
  return (
    <section className="board__charts" aria-label="Charts">
      {error !== null && <p className="form-error">Charts: {error}</p>}
      <figure className="chart">
        <figcaption>Speed to lead today</figcaption>
        {charts ? (
          <SpeedHistogram samples={charts.today.speedToLeadMs} theme={theme} height={height} />
        ) : (
          <ChartPlaceholder height={height} />
        )}
      </figure>
      <figure className="chart">
        <figcaption>Speed to lead, daily median and p90</figcaption>
        {charts ? (
          <DailySpeed daily={charts.daily} theme={theme} height={height} />
        ) : (
          <ChartPlaceholder height={height} />
        )}
      </figure>
      <figure className="chart">
        <figcaption>SLA breaches by hour today</figcaption>
        {charts ? (
          <BreachesByHour hours={charts.today.breachesByHour} theme={theme} height={height} />
        ) : (
          <ChartPlaceholder height={height} />
        )}
      </figure>
    </section>
  );
});

function ChartPlaceholder({ height }: { height: number }): JSX.Element {
  return <div className="chart__plot chart__plot--empty" style={{ height }} aria-busy="true" />;
}

function SpeedHistogram(props: {
  samples: readonly number[];
  theme: ChartTheme;
  height: number;
}): JSX.Element {
  const { samples, theme, height } = props;
  const histogram = useMemo(() => speedHistogram(samples), [samples]);
  const labels = histogram.starts.map((_, i) => bucketLabel(histogram, i));
  const layout = labels.join('|');
  const options = useMemo(
    () => (width: number) => barOptions(width, height, theme, labelsOf(histogram), 'First touches'),
    // Rebuilt only when the buckets change; new counts in the same buckets are new data.
    [layout, theme, height],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [histogram.counts.map((_, i) => i), [...histogram.counts]],
    [histogram],
  );
  if (histogram.total === 0) return <Empty height={height} text="No first touches yet today" />;
  return (
    <UPlotChart
      options={options}
      data={data}
      testId="chart-speed"
      label={`Speed to lead today: ${histogram.total} first touches; ${labels
        .map((l, i) => `${l}: ${histogram.counts[i] ?? 0}`)
        .join(', ')}`}
    />
  );
}

function labelsOf(h: Histogram): string[] {
  return h.starts.map((_, i) => bucketLabel(h, i));
}

function DailySpeed(props: {
  daily: BoardCharts['daily'];
  theme: ChartTheme;
  height: number;
}): JSX.Element {
  const { daily, theme, height } = props;
  const max = Math.max(0, ...daily.map((d) => d.speedToLeadP90Ms ?? d.speedToLeadP50Ms ?? 0));
  const unit = durationUnit(max);
  const days = daily.map((d) => dayLabel(d.day));
  const layout = `${days.join('|')}/${unit.suffix}`;
  const options = useMemo(
    () => (width: number) => dailyOptions(width, height, theme, days, unit),
    [layout, theme, height],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [
      daily.map((_, i) => i),
      daily.map((d) => (d.speedToLeadP50Ms === null ? null : d.speedToLeadP50Ms / unit.ms)),
      daily.map((d) => (d.speedToLeadP90Ms === null ? null : d.speedToLeadP90Ms / unit.ms)),
    ],
    [daily, unit.ms],
  );
  if (daily.length === 0) return <Empty height={height} text="No days yet" />;
  const today = daily[daily.length - 1];
  return (
    <UPlotChart
      options={options}
      data={data}
      testId="chart-daily"
      label={`Speed to lead over ${daily.length} days; today median ${durationText(
        today?.speedToLeadP50Ms ?? null,
      )}, p90 ${durationText(today?.speedToLeadP90Ms ?? null)}`}
    />
  );
}

function BreachesByHour(props: {
  hours: readonly number[];
  theme: ChartTheme;
  height: number;
}): JSX.Element {
  const { hours, theme, height } = props;
  const labels = hours.map((_, h) => hourLabel(h));
  const options = useMemo(
    () => (width: number) => barOptions(width, height, theme, labels, 'Breaches', theme.urgent),
    [hours.length, theme, height],
  );
  const data = useMemo<uPlot.AlignedData>(() => [hours.map((_, i) => i), [...hours]], [hours]);
  const total = hours.reduce((a, b) => a + b, 0);
  return (
    <UPlotChart
      options={options}
      data={data}
      testId="chart-breaches"
      label={`SLA breaches today: ${total}`}
    />
  );
}

function Empty({ height, text }: { height: number; text: string }): JSX.Element {
  return (
    <div className="chart__plot chart__plot--empty" style={{ height }}>
      <span className="muted">{text}</span>
    </div>
  );
}

// ---- uPlot options ------------------------------------------------------------------------------

const bars = uPlot.paths.bars?.({ size: [0.8, 64], gap: 1 });

function axis(theme: ChartTheme): uPlot.Axis {
  return {
    stroke: theme.muted,
    font: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
  };
}

/**
 * Labels on an axis of categories, thinned so they never overlap at this width: counted from
 * the start (hours: 00:00, 03:00, ...) or from the end (days: today always has its label).
 */
function categoryAxis(
  theme: ChartTheme,
  labels: readonly string[],
  width: number,
  anchor: 'start' | 'end' = 'start',
): uPlot.Axis {
  const fontPx = Number.parseInt(theme.font, 10) || 11;
  const widest = Math.max(1, ...labels.map((l) => l.length)) * fontPx * 0.62 + 8;
  const every = Math.max(1, Math.ceil((labels.length * widest) / Math.max(1, width - 60)));
  return {
    ...axis(theme),
    grid: { show: false },
    splits: () => labels.map((_, i) => i),
    values: (_u, splits) =>
      splits.map((i) => {
        const step = anchor === 'start' ? i : labels.length - 1 - i;
        return step % every === 0 ? (labels[i] ?? '') : '';
      }),
  };
}

function countAxis(theme: ChartTheme): uPlot.Axis {
  return {
    ...axis(theme),
    // Whole numbers only: there is no half a breach.
    values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
  };
}

function barOptions(
  width: number,
  height: number,
  theme: ChartTheme,
  labels: readonly string[],
  what: string,
  colour = theme.accent,
): uPlot.Options {
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [categoryAxis(theme, labels, width), countAxis(theme)],
    series: [
      { value: (_u, v) => labels[v] ?? '' },
      {
        label: what,
        stroke: colour,
        fill: colour,
        width: 0,
        points: { show: false },
        ...(bars && { paths: bars }),
      },
    ],
  };
}

function dailyOptions(
  width: number,
  height: number,
  theme: ChartTheme,
  days: readonly string[],
  unit: { readonly ms: number; readonly suffix: string },
): uPlot.Options {
  const line = (label: string, stroke: string): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    points: { show: true, size: 6, fill: stroke },
    value: (_u, v) => (v === null ? NONE : durationText(v * unit.ms)),
  });
  return {
    width,
    height,
    // Which line is which; the values are on the axis (a live legend reads "—" off the chart).
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: [-0.3, Math.max(0.3, days.length - 0.7)] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [
      categoryAxis(theme, days, width, 'end'),
      { ...axis(theme), values: (_u, splits) => splits.map((v) => `${v}${unit.suffix}`) },
    ],
    series: [
      { value: (_u, v) => days[v] ?? '' },
      line('p50', theme.accent),
      line('p90', theme.second),
    ],
  };
}

import { axisDuration } from './figures';

/*
 * Today's speed-to-lead samples as a histogram: equal buckets of a round width (15 s ... 1 day),
 * the narrowest that covers the range in at most `maxBuckets`. The range ends at the 95th
 * percentile (nearest rank) once there are enough samples, and what lies beyond goes in one
 * last open bucket ("2h+"): one lead left overnight must not squash a day of 2-minute calls into
 * the first bar.
 *
 *   const h = speedHistogram(charts.today.speedToLeadMs);
 *   // h.counts[i] samples in [h.starts[i], h.starts[i] + h.bucketMs), the last open if h.open
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Bucket widths a person reads at a glance. */
export const BUCKET_WIDTHS_MS: readonly number[] = [
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  4 * H,
  8 * H,
  24 * H,
];

export interface Histogram {
  readonly bucketMs: number;
  /** Start of each bucket, ms (0, width, 2 × width, ...). */
  readonly starts: readonly number[];
  readonly counts: readonly number[];
  /** The last bucket has no upper end: it holds every sample from its start on. */
  readonly open: boolean;
  readonly total: number;
}

/** Samples from which the range is cut at the 95th percentile (fewer: every sample counts). */
const CLIP_FROM = 20;

export function speedHistogram(samplesMs: readonly number[], maxBuckets = 12): Histogram {
  const samples = samplesMs.filter((x) => Number.isFinite(x)).map((x) => Math.max(0, x));
  if (samples.length === 0) {
    return { bucketMs: M, starts: [], counts: [], open: false, total: 0 };
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1] ?? 0;
  const top =
    sorted.length >= CLIP_FROM ? (sorted[Math.ceil((95 * sorted.length) / 100) - 1] ?? max) : max;
  const width =
    BUCKET_WIDTHS_MS.find((w) => Math.floor(top / w) + 1 <= maxBuckets) ??
    BUCKET_WIDTHS_MS[BUCKET_WIDTHS_MS.length - 1] ??
    H;
  // Enough buckets to hold `top`; one more (open) only if samples lie beyond them.
  let n = Math.min(maxBuckets, Math.floor(top / width) + 1);
  const open = max >= n * width;
  if (open && n === maxBuckets) n -= 1; // the open bucket takes the last place
  const buckets = open ? n + 1 : n;
  const counts = new Array<number>(buckets).fill(0);
  for (const x of samples) {
    const i = Math.min(buckets - 1, Math.floor(x / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return {
    bucketMs: width,
    starts: counts.map((_, i) => i * width),
    counts,
    open,
    total: samples.length,
  };
}

/** "0–1m", "1m–2m", ..., and "10m+" for an open last bucket. */
export function bucketLabel(h: Histogram, index: number): string {
  const start = h.starts[index];
  if (start === undefined) return '';
  if (h.open && index === h.starts.length - 1) return `${axisDuration(start)}+`;
  return `${start === 0 ? '0' : axisDuration(start)}–${axisDuration(start + h.bucketMs)}`;
}

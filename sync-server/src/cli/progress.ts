import type { ImportCounts } from './csv-import';

/** Where progress goes: stderr, so stdout keeps only the result (and `--json` stays parseable). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  update(counts: ImportCounts): void;
  /** Draws the final state and ends the bar's line. */
  finish(counts: ImportCounts): void;
}

const number = (n: number) => n.toLocaleString('en-US');

/**
 * On a terminal, one bar redrawn in place at most ten times a second; anywhere else (a pipe, a
 * log file, CI), a plain line at every tenth of the rows, so logs stay short and readable.
 *
 *   const progress = createProgress(process.stderr);
 *   progress.update(counts); ... progress.finish(counts);
 */
export function createProgress(stream: ProgressStream, clock: () => number = Date.now): Progress {
  if (stream.isTTY) {
    let drawnAt = -Infinity;
    const draw = (counts: ImportCounts) => {
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
      const share = counts.total === 0 ? 1 : counts.done / counts.total;
      const filled = Math.round(share * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(
        `\r${bar} ${String(Math.floor(share * 100)).padStart(3)}% ${number(counts.done)}/${number(counts.total)}  ` +
          `created ${number(counts.created)} · there ${number(counts.existing)} · rejected ${number(counts.rejected)}` +
          `${counts.failed > 0 ? ` · failed ${number(counts.failed)}` : ''}\x1b[K`,
      );
    };
    return {
      update(counts) {
        const now = clock();
        if (now - drawnAt < 100) return;
        drawnAt = now;
        draw(counts);
      },
      finish(counts) {
        draw(counts);
        stream.write('\n');
      },
    };
  }
  let reported = -1;
  const line = (counts: ImportCounts) =>
    stream.write(
      `import: ${number(counts.done)}/${number(counts.total)} rows: ${number(counts.created)} created, ` +
        `${number(counts.existing)} already there, ${number(counts.rejected)} rejected` +
        `${counts.failed > 0 ? `, ${number(counts.failed)} failed` : ''}\n`,
    );
  return {
    update(counts) {
      const tenth = counts.total === 0 ? 10 : Math.floor((counts.done / counts.total) * 10);
      if (tenth <= reported || tenth >= 10) return;
      reported = tenth;
      line(counts);
    },
    finish(counts) {
      line(counts);
    },
  };
}

/**
 * Colour for demo output, only on a terminal and never when NO_COLOR is set
 * (https://no-color.org), so piped output and CI logs stay plain text.
 */
export type Colour = 'red' | 'yellow' | 'cyan' | 'green' | 'magenta' | 'dim' | 'bold';

const CODES: Readonly<Record<Colour, readonly [number, number]>> = {
  red: [31, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  green: [32, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export type Paint = (colour: Colour, text: string) => string;

export function painter(enabled: boolean): Paint {
  return (colour, text) =>
    enabled ? `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m` : text;
}

export function colourWanted(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** `14:03:07`, local time: what a person watching the demo reads the clock as. */
export function clockTime(date: Date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}

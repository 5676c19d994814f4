/**
 * Terminal colour, only where a person is looking: on a TTY, and never when NO_COLOR is set
 * (https://no-color.org) or FORCE_COLOR=0.
 */
export interface Style {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

/** No colour at all: for files, whatever the terminal. */
export const plainStyle: Style = {
  red: plain,
  yellow: plain,
  green: plain,
  cyan: plain,
  dim: plain,
  bold: plain,
};

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const noColor =
    (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.FORCE_COLOR === '0' || env.TERM === 'dumb';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled = !noColor && (forced || stream.isTTY === true);
  if (!enabled) return plainStyle;
  return {
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    green: wrap(32, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

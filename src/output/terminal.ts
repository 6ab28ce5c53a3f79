/** The terminal a table is fitted to, and where it says that something did not fit. */
export interface Terminal {
  /** Columns a line may take. */
  readonly width: number;
  /** Tells the user (stderr) what was cut; only the first call speaks, so a command with two tables says it once. */
  readonly notice: (text: string) => void;
}

/** Without a size from the terminal or COLUMNS: what terminals open with. */
const DEFAULT_WIDTH = 80;

/**
 * The terminal behind stdout, or undefined when stdout is a file or a pipe: there a table is
 * written in full, since nobody reads it at a fixed width. COLUMNS, when set, wins over the size
 * the terminal reports, as POSIX asks of ls and friends; a terminal that reports no size (a bare
 * pseudo-terminal, a serial console) gets the usual 80.
 */
export function terminalOf(stdout: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv, say: (text: string) => void): Terminal | undefined {
  if (stdout.isTTY !== true) return undefined;
  let said = false;
  return {
    width: widthFrom(env.COLUMNS) ?? widthFrom(stdout.columns) ?? DEFAULT_WIDTH,
    notice: (text) => {
      if (said) return;
      said = true;
      say(text);
    },
  };
}

function widthFrom(value: string | number | undefined): number | undefined {
  const width = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof width === 'number' && Number.isInteger(width) && width > 0 ? width : undefined;
}

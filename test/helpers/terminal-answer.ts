import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, tempDir } from './cli.js';

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed. */
  shown: string;
  /** The pipeline's stdout, redirected to a file: the data alone. */
  stdout: string;
}

/**
 * Runs a shell pipeline on a pseudo-terminal that is its controlling terminal (pty.fork), so the
 * pipe feeds stdin while a person answers `answer` at the terminal when `prompt` appears.
 * `$CASCTL` is casctl; the last command's stdout goes to a file, not the terminal.
 */
export function atTerminal(store: string, pipeline: string, prompt: string, answer: string): Promise<TerminalRun> {
  const out = join(tempDir(), 'stdout');
  const script = `CASCTL="$NODE $BIN"; ${pipeline} > "$OUT"`;
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(ROOT, 'test', 'helpers', 'pty-answer.py'), prompt, answer, 'sh', '-c', script], {
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', CASCTL_STORE: store, NODE: process.execPath, BIN, OUT: out },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let shown = '';
    child.stdout.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, shown, stdout: readFileSync(out, 'utf8') }));
  });
}

import { Writable } from 'node:stream';

export type FakeTerminal = Writable & { isTTY: boolean; columns: number; text(): string; frames(): string[] };

/**
 * A stream that records what is written to it, claiming to be a terminal (or not). frames() splits
 * the text at each carriage return, as a terminal redraws a progress bar's line, without the
 * erase-to-end-of-line codes; empty frames (a bar taken off its line) are left out.
 */
export function fakeTerminal(isTTY: boolean, columns = 120): FakeTerminal {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as FakeTerminal;
  stream.isTTY = isTTY;
  stream.columns = columns;
  stream.text = () => chunks.join('');
  stream.frames = () => framesOf(stream.text());
  return stream;
}

export function framesOf(text: string): string[] {
  return text
    .split('\r')
    .map((frame) => frame.replaceAll('\x1b[K', ''))
    .filter((frame) => frame !== '');
}

/** The bars among frames: label, value and total, as shown (`Applying [███░] 40% 2,000/5,000 settings`). */
export function barsOf(frames: readonly string[]): { label: string; value: number; total: number; unit: string }[] {
  return frames.flatMap((frame) => {
    const match = /^(.+?) \[[█░]+\] \d+% ([\d,]+)\/([\d,]+) (\S+)$/.exec(frame.trim());
    if (match === null) return [];
    const number = (text: string): number => Number(text.replaceAll(',', ''));
    return [{ label: match[1] as string, value: number(match[2] as string), total: number(match[3] as string), unit: match[4] as string }];
  });
}

/** A clock that tests move by hand. */
export function manualClock(start = 0): { now: () => number; advance(ms: number): void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

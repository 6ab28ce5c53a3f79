import type { Writable } from 'node:stream';
import type { ProgressSink } from '../core/progress-sink.js';

/** Runs shorter than this show no bar at all, so quick commands never flicker. */
const DELAY_MS = 1000;
/** At most one frame this often: a terminal redrawn per batch of a million rows would slow the run. */
const FRAME_MS = 100;
const BAR_WIDTH = 24;

export interface ProgressOptions {
  /** Milliseconds since any fixed point; Date.now by default, a test's own clock in tests. */
  now?: () => number;
  delayMs?: number;
}

export type ProgressStream = Writable & { isTTY?: boolean; columns?: number };

const number = (n: number): string => n.toLocaleString('en-US');

/**
 * One command's progress on stderr, phase after phase, on a terminal only: elsewhere it writes
 * nothing, so a script's stderr holds only the summary. Nothing shows until the run has taken a
 * second; then each phase shows what it has done, against its total when the work knows it up
 * front (a bar), or as a plain count when it does not (never a made-up total).
 */
export class Progress implements ProgressSink {
  private label: string | undefined;
  private unit = '';
  private total: number | undefined;
  private done = 0;
  private since: number;
  private lastFrame = Number.NEGATIVE_INFINITY;
  private onScreen = false;
  private stopped = false;
  private readonly now: () => number;
  private readonly delayMs: number;
  /** Whether anything is ever shown: callers skip working out totals for a bar nobody sees. */
  readonly onTerminal: boolean;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.delayMs = options.delayMs ?? DELAY_MS;
    this.onTerminal = stream.isTTY === true;
    this.since = this.onTerminal ? this.now() : 0;
  }

  phase(label: string, unit: string, total?: number): void {
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.done = 0;
    this.draw(true);
  }

  tick(count: number): void {
    this.done += count;
    this.draw(false);
  }

  /**
   * Takes the bar off the screen for a question; the delay starts again, so the phases after the
   * answer show only if they too take a second.
   */
  pause(): void {
    this.clear();
    if (this.onTerminal) this.since = this.now();
  }

  /**
   * Takes the bar off the screen for a message; the next frame draws it again below the message.
   * Messages print between the frames, never into a frame's line.
   */
  clear(): void {
    if (!this.onScreen) return;
    this.stream.write('\r\x1b[K');
    this.onScreen = false;
  }

  /**
   * Stderr for the messages of a run that may show a bar (src/output/messages.ts): each write
   * first takes the bar off its line, so a warning never lands in the middle of a frame.
   */
  readonly messageStream = {
    write: (text: string): boolean => {
      this.clear();
      return this.stream.write(text);
    },
  };

  /** The run is over: the bar goes, for the summary, and never comes back. */
  stop(): void {
    this.clear();
    this.stopped = true;
  }

  private draw(newPhase: boolean): void {
    if (!this.onTerminal || this.stopped || this.label === undefined) return;
    const now = this.now();
    if (now - this.since < this.delayMs) return;
    if (!newPhase && now - this.lastFrame < FRAME_MS) return;
    this.lastFrame = now;
    const line = this.line();
    const width = this.stream.columns;
    // A line as wide as the terminal wraps, and `\r` would then redraw only its last part.
    this.stream.write(`\r${width === undefined || width < 2 ? line : line.slice(0, width - 1)}\x1b[K`);
    this.onScreen = true;
  }

  private line(): string {
    const { total, done } = this;
    if (total === undefined) return `${this.label}: ${number(done)} ${this.unit}`;
    const whole = Math.max(total, done);
    const filled = whole === 0 ? BAR_WIDTH : Math.floor((BAR_WIDTH * done) / whole);
    const percent = whole === 0 ? 100 : Math.floor((100 * done) / whole);
    return `${this.label} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${percent}% ${number(done)}/${number(whole)} ${this.unit}`;
  }
}

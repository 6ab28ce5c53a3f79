import type { Writable } from 'node:stream';
import type { SingleBar } from 'cli-progress';

/** Runs shorter than this show no bar at all. */
const DELAY_MS = 1000;

/**
 * A progress bar on stderr for long runs on a terminal; silent otherwise. The bar appears only
 * once a run has taken a second, so quick commands never flicker.
 */
export class Progress {
  private bar: SingleBar | undefined;
  private done = 0;
  private readonly started = Date.now();
  private loading = false;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly delayMs = DELAY_MS,
  ) {}

  tick(count = 1): void {
    this.done += count;
    if (this.stream.isTTY !== true) return;
    if (this.bar !== undefined) {
      if (this.total === undefined || this.done > this.total) this.bar.setTotal(this.done);
      this.bar.update(this.done);
    } else if (!this.loading && Date.now() - this.started >= this.delayMs) {
      this.loading = true;
      void this.start();
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private async start(): Promise<void> {
    const { default: progress } = await import('cli-progress');
    this.bar = new progress.SingleBar(
      { stream: this.stream, format: `${this.label} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: true },
      progress.Presets.shades_classic,
    );
    this.bar.start(this.total ?? this.done, this.done);
  }
}

import type { Writable } from 'node:stream';

/**
 * Buffers small writes into large chunks and honours back-pressure, so a million-row
 * listing streams at disk speed with flat memory. EPIPE (e.g. `| head`) ends output quietly;
 * any other write error (a full disk under `> file`) comes back from the next write or flush,
 * where the command's own error handling sees it, not from an event listener past it.
 */
export class BufferedWriter {
  private buffer: string[] = [];
  private size = 0;
  private closed = false;
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly chunkSize = 64 * 1024,
  ) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closed = true;
      else this.failure ??= error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.size === 0 || this.closed) {
      this.buffer = [];
      this.size = 0;
      return;
    }
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('close', done);
      });
    }
    if (this.failure !== undefined) throw this.failure;
  }
}

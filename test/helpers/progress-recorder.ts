import assert from 'node:assert/strict';
import type { ProgressSink } from '../../src/core/progress-sink.js';

export interface RecordedPhase {
  label: string;
  unit: string;
  total: number | undefined;
  ticks: number[];
}

/** A ProgressSink that keeps every phase and tick, for tests of the work that reports them. */
export class ProgressRecorder implements ProgressSink {
  readonly phases: RecordedPhase[] = [];

  phase(label: string, unit: string, total?: number): void {
    this.phases.push({ label, unit, total, ticks: [] });
  }

  tick(count: number): void {
    const current = this.phases.at(-1);
    assert.ok(current !== undefined, 'a tick belongs to a phase');
    current.ticks.push(count);
  }

  /** Each phase as `label done/total`: what a bar would end on. */
  summary(): string[] {
    return this.phases.map((p) => `${p.label} ${p.ticks.reduce((a, b) => a + b, 0)}/${p.total ?? '?'}`);
  }

  /** Every phase had a total known up front, and its ticks add up to exactly that total. */
  assertTrue(): void {
    for (const p of this.phases) {
      const done = p.ticks.reduce((a, b) => a + b, 0);
      assert.ok(p.total !== undefined, `${p.label} has a total`);
      assert.equal(done, p.total, `${p.label}: ticks add up to the total (${p.ticks.join(', ')})`);
      assert.ok(p.ticks.every((t) => t >= 0), `${p.label}: no tick goes back`);
    }
  }
}

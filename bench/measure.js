// Runs a command as a whole process and measures its wall time and peak RSS.
//
// Wall time: the orchestrator's monotonic clock from spawn() to the child's exit (sub-millisecond;
// GNU time's own %e has only 10 ms resolution, too coarse for ~120 ms cold starts).
// Peak RSS: GNU time's %M (the kernel's ru_maxrss of the child, in KiB) when /usr/bin/time works;
// otherwise the child's VmHWM read from /proc/<pid>/status every 5 ms until it exits (VmHWM is a
// high-water mark, so only a peak reached in the last few milliseconds can be missed).
// Both sides of every comparison are measured the same way, so the fork/exec of /usr/bin/time
// (about 1 ms) cancels out of the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';

const GNU_TIME = '/usr/bin/time';

function gnuTimeWorks() {
  if (!existsSync(GNU_TIME)) return false;
  const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/.test(probe.stderr.trim().split('\n').at(-1) ?? '');
}

export const RSS_METHOD = gnuTimeWorks() ? 'GNU time %M (ru_maxrss of the child)' : '/proc/<pid>/status VmHWM sampled every 5 ms';
const useGnuTime = RSS_METHOD.startsWith('GNU');

/**
 * Runs `command args` once. `stdout`/`stderr`: a path to write to ('/dev/null' is the default);
 * `stdin`: a path to read from (none by default).
 * Resolves { ms, rssKb, code }; a non-zero exit is returned, not thrown (the caller decides).
 */
export function runOnce(command, args, { cwd, env, stdin, stdout = '/dev/null', stderr = '/dev/null', scratch }) {
  return new Promise((resolve, reject) => {
    const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
    const close = () => {
      closeSync(out);
      closeSync(err);
      if (input !== 'ignore') closeSync(input);
    };
    const out = openSync(stdout, 'w');
    const err = openSync(stderr, 'w');
    const timeFile = join(scratch, `time-${process.pid}.txt`);
    const [file, argv] = useGnuTime ? [GNU_TIME, ['-f', '%M', '-o', timeFile, command, ...args]] : [command, args];
    let hwm = 0;
    let sampler;
    const start = performance.now();
    const child = spawn(file, argv, { cwd, env, stdio: [input, out, err] });
    if (!useGnuTime) {
      const sample = () => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) hwm = Math.max(hwm, Number(match[1]));
        } catch {
          // the child is gone
        }
      };
      sampler = setInterval(sample, 5);
      sample();
    }
    child.on('error', (error) => {
      clearInterval(sampler);
      close();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      const ms = performance.now() - start;
      clearInterval(sampler);
      close();
      let rssKb = hwm || null;
      if (useGnuTime) {
        const text = readFileSync(timeFile, 'utf8').trim().split('\n');
        // GNU time writes "Command exited with non-zero status N" before the format line.
        rssKb = Number(text.at(-1));
        rmSync(timeFile, { force: true });
      }
      resolve({ ms, rssKb, code: code ?? (signal === null ? null : 128), signal });
    });
  });
}

export function stats(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1), n: sorted.length };
}

/** The last `bytes` of a file: what to show when a measured command fails. */
export function tail(path, bytes = 2000) {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.min(bytes, size));
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      return `${size > bytes ? '...' : ''}${buffer.toString('utf8')}`;
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

// Prints the results table and writes every figure as JSON to bench/out/results-<timestamp>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const seconds = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const megabytes = (kb) => (kb === null || kb === undefined ? '—' : `${Math.round(kb / 1024)} MB`);

function spread(s, unit) {
  if (s === null || s === undefined) return '—';
  const format = unit === 'kb' ? megabytes : seconds;
  return s.n === 1 ? format(s.median) : `${format(s.median)} [${format(s.min)}–${format(s.max)}]`;
}

/** One line per row: operation, runs, casctl, reference, ratio, casctl peak RSS, target, met? */
export function tableRows(results) {
  return results.rows.map((row) => {
    const rss = row.unit === 'kb' ? null : row.casctl?.rssKb;
    return [
      row.label,
      String(row.casctl?.[row.unit === 'kb' ? 'rssKb' : 'ms']?.n ?? '—'),
      row.failed ? `FAILED (exit ${row.failed})` : spread(row.casctl?.[row.unit === 'kb' ? 'rssKb' : 'ms'], row.unit),
      spread(row.reference?.[row.unit === 'kb' ? 'rssKb' : 'ms'], row.unit),
      row.ratio === null || row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
      rss ? megabytes(rss.max) : '—',
      row.target ? `≤ ${row.target.limit}× ${row.target.against}` : '—',
      row.met === null || row.met === undefined ? '—' : row.met ? 'yes' : 'NO',
    ];
  });
}

export function formatTable(results) {
  const header = ['operation', 'runs', 'casctl median [min–max]', 'reference median', 'ratio', 'casctl peak RSS', 'target', 'met?'];
  const rows = tableRows(results).map((cells, i) => {
    const ref = results.rows[i].reference;
    cells[3] = ref ? `${cells[3]} (${results.rows[i].referenceLabel})` : cells[3];
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The same table as Markdown, for the README's Performance section. */
export function markdownTable(results) {
  const header = ['operation', 'runs', 'casctl median [min–max]', 'reference median', 'ratio', 'casctl peak RSS', 'target', 'met?'];
  const rows = tableRows(results).map((cells, i) => {
    const ref = results.rows[i].reference;
    cells[3] = ref ? `${cells[3]} (${results.rows[i].referenceLabel})` : cells[3];
    return cells.map((c) => c.replace(/\|/g, '\\|'));
  });
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function writeResults(outDir, results) {
  mkdirSync(outDir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const path = join(outDir, `results-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

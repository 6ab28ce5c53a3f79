/**
 * Writes man/casctl.1 from the program (scripts/man-page.ts). `npm run build` runs it, and a test
 * fails while the committed page differs from what this writes.
 *
 * Run: node --import tsx scripts/build-man.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAN_PAGE_PATH, manPage } from './man-page.js';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', MAN_PAGE_PATH);
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, manPage());

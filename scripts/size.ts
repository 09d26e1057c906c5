/**
 * Prints the size of the script-tag bundles of <id-contact-auth> (Lit
 * included), raw and gzipped, against the 15 KB gzip budget. Build first:
 * `npm run build:widget`. Exits 1 when a bundle is missing or over budget.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;
const files = ['dist/widget/id-contact-auth.js', 'dist/widget/id-contact-auth.iife.js'];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

let over = false;
for (const file of files) {
  let source: Buffer;
  try {
    source = readFileSync(file);
  } catch {
    console.error(`${file}: missing, run npm run build:widget`);
    process.exitCode = 1;
    continue;
  }
  const gzip = gzipSync(source).length;
  over ||= gzip > BUDGET;
  console.log(`${file.padEnd(36)} ${kb(source.length).padStart(9)} raw  ${kb(gzip).padStart(8)} gzip  (budget ${kb(BUDGET)})`);
}
if (over) {
  console.error('over budget');
  process.exitCode = 1;
}

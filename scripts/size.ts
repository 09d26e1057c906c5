/**
 * Prints the size of the script-tag bundles (Lit included), raw, gzip and
 * brotli, against the gzip budgets of issue 18: 14.5 KB for the resident's
 * element, 12.5 KB for the employee's (LitElement and a maintained template
 * minifier, in place of our own, cost about 2 KB); issue 20 added 0.25 KB to
 * both for colours derived from the one a page set, 2.5 KB to the
 * employee's for the subject, case links and asking to log in, and 2.75 KB to
 * the resident's for showing the employee's request (its own event stream,
 * with a polling fallback) and the session stream's polling fallback and
 * recovery when the page is shown again. Build first:
 * `npm run build:widget`. Exits 1 when a bundle is missing or over budget.
 */
import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const KB = 1024;
const bundles: [file: string, budget: number][] = [
  ['dist/widget/id-contact-auth.js', 17.5 * KB],
  ['dist/widget/id-contact-auth.iife.js', 17.5 * KB],
  ['dist/widget/id-contact-agent.js', 15.25 * KB],
  ['dist/widget/id-contact-agent.iife.js', 15.25 * KB],
];
const kb = (bytes: number) => `${(bytes / KB).toFixed(2)} KB`;

let over = false;
for (const [file, budget] of bundles) {
  let source: Buffer;
  try {
    source = readFileSync(file);
  } catch {
    console.error(`${file}: missing, run npm run build:widget`);
    process.exitCode = 1;
    continue;
  }
  const gzip = gzipSync(source).length;
  const brotli = brotliCompressSync(source).length;
  over ||= gzip > budget;
  console.log(
    `${file.padEnd(38)} ${kb(source.length).padStart(9)} raw  ${kb(gzip).padStart(8)} gzip  ${kb(brotli).padStart(8)} brotli  (budget ${kb(budget)} gzip)`,
  );
}
if (over) {
  console.error('over budget');
  process.exitCode = 1;
}

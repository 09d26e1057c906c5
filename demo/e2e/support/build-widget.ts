/**
 * Vitest global setup: the demo serves the built widget bundle, so build it
 * when it is missing (`npm test` builds it before every run anyway).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BUNDLE = new URL('../../../dist/widget/id-contact-auth.js', import.meta.url);

export default function buildWidgetIfMissing(): void {
  if (existsSync(BUNDLE)) return;
  execFileSync('npm', ['run', '--silent', 'build:widget'], { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
}

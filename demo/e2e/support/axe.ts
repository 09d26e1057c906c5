/** axe-core's accessibility audit, run in the page; violations as `rule (count)`. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '../../../testkit/browser/page.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeWindow {
  axe: { run(): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> };
}

export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the automation protocol, which the page's CSP does not govern.
  await page.evaluate(`(() => { ${AXE_SOURCE}; return true; })()`);
  return page.evaluate(async () => {
    const result = await (window as unknown as AxeWindow).axe.run();
    return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
  });
}

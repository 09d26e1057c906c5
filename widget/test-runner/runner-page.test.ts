/**
 * The widget suite's runner keeps a file's results when an assertion about a
 * DOM node fails (wtr-runner-page.ts): the failure is reported with the node
 * described, the file's other tests still count, and nothing "did not finish".
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runWidgetRunner(file: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--files', file], {
      env: { ...process.env, IDC_ENGINE: 'chromium', IDC_PROFILE: 'usual', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', () => resolve(output));
  });
}

describe('the widget test runner', () => {
  it('reports a failing DOM comparison as one failed test, and the rest of the file', async () => {
    const output = await runWidgetRunner('widget/test-runner/fixtures/dom-comparison.ts');
    expect(output).not.toContain('did not finish');
    expect(output).toContain('compares two different elements');
    expect(output).toContain("HTMLParagraphElement: <p></p>");
    expect(output).toMatch(/1 passed, 1 failed/);
  }, 90_000);
});

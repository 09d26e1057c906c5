/**
 * The widget suite's runner keeps a file's results when an assertion about a
 * DOM node fails (wtr-runner-page.ts): the failure is reported with the node
 * described, the file's other tests still count, and nothing "did not finish".
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs the widget runner on one file; after `timeoutMs` its whole process group (browser included) is killed. */
function runWidgetRunner(file: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js', '--files', file], {
      env: { ...process.env, IDC_ENGINE: 'chromium', IDC_PROFILE: 'usual', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

describe('the widget test runner', () => {
  it('reports a failing DOM comparison as one failed test, and the rest of the file', async () => {
    // The runner would wait 120 s for a file that "did not finish": 60 s is plenty for one that does.
    const output = await runWidgetRunner('widget/test-runner/fixtures/dom-comparison.ts', 60_000);
    expect(output).not.toContain('did not finish');
    expect(output).toContain('compares two different elements');
    expect(output).toContain("HTMLParagraphElement: <p></p>");
    expect(output).toMatch(/1 passed, 1 failed/);
  }, 90_000);
});

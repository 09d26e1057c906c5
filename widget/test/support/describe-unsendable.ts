/**
 * Loaded first on every test page (wtr-runner-page.ts). Web Test Runner sends
 * a failed assertion's `actual` and `expected` to Node as they are; when one
 * is a DOM node (`expect(a).to.equal(element)`) the message cannot be sent,
 * and the whole file ends as "did not finish", its other results lost. Such
 * values are replaced by a short description of the node before they go.
 */
function describe(value: unknown): unknown {
  if (value instanceof Element) return `${value.constructor.name}: ${value.outerHTML.slice(0, 300)}`;
  if (value instanceof Node) return `${value.constructor.name}: ${String(value.textContent).slice(0, 300)}`;
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return String(value);
  }
}

interface MochaRunner {
  on(event: 'fail', listener: (test: unknown, error: unknown) => void): void;
}

let runner: MochaRunner | undefined;
// The test framework announces its runner here right after starting it, before any test ends.
Object.defineProperty(window, '__WTR_MOCHA_RUNNER__', {
  configurable: true,
  get: () => runner,
  set(value: MochaRunner) {
    runner = value;
    value.on('fail', (_test, error) => {
      if (!error || typeof error !== 'object') return;
      const fields = error as Record<string, unknown>;
      for (const key of ['actual', 'expected']) if (key in fields) fields[key] = describe(fields[key]);
    });
  },
});

/**
 * The page each test file runs in: the runner's own, with
 * describe-unsendable.ts loaded first, so that a failing assertion about a
 * DOM node fails that test instead of losing the whole file's results.
 */
export function testRunnerHtml(testFramework: string): string {
  return `<!doctype html>
<html>
  <head><meta charset="utf-8"></head>
  <body>
    <script type="module" src="/widget/test/support/describe-unsendable.ts"></script>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`;
}

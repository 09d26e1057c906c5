/**
 * The test auth plugin's login page: a plain, accessible HTML page that makes
 * unmistakably clear no real authentication takes place.
 */
import type { Attributes } from '../../server/src/protocol.ts';
import { escapeHtml } from '../escape-html.ts';

export interface LoginPageContent {
  /** Path the form posts to, e.g. `/login/<id>`. */
  formAction: string;
  askedAttributes: readonly string[];
  testPerson: Attributes;
  testPersonName: string;
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f4f5f7; color: #1b1f24; line-height: 1.5; }
  main { max-width: 32rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px;
         box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
  .test-banner { margin: 0 0 1.5rem; padding: 0.75rem 1rem; border: 2px dashed #b35900; border-radius: 8px;
                 background: #fff4e5; color: #5c2e00; font-weight: 600; }
  h1 { font-size: 1.5rem; margin: 0 0 1rem; }
  ul { padding-left: 1.25rem; }
  code { font-size: 0.95em; }
  .missing { color: #5b6470; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-top: 1.5rem; }
  button { font: inherit; padding: 0.65rem 1.1rem; border-radius: 8px; cursor: pointer; border: 2px solid #154273; }
  button.primary { background: #154273; color: #fff; }
  button.secondary { background: #fff; color: #154273; }
  button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
`;

export function renderLoginPage(content: LoginPageContent): string {
  const attributeItems = content.askedAttributes
    .map((tag) =>
      tag in content.testPerson
        ? `<li><code>${escapeHtml(tag)}</code></li>`
        : `<li><code>${escapeHtml(tag)}</code> <span class="missing">(the test person has none; it will be left out)</span></li>`,
    )
    .join('\n        ');
  const attributeSection =
    content.askedAttributes.length > 0
      ? `<p id="asked-label">The service asks for these attributes:</p>
      <ul aria-labelledby="asked-label">
        ${attributeItems}
      </ul>`
      : `<p>The service asks for no attributes.</p>`;

  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>TEST login - ID Contact test authentication</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <p class="test-banner" role="note">This is a TEST login. Nobody is really authenticated; the result contains fixed test data.</p>
    <h1>Test authentication</h1>
    ${attributeSection}
    <form method="post" action="${escapeHtml(content.formAction)}">
      <div class="actions">
        <button type="submit" name="outcome" value="succes" class="primary">Log in as ${escapeHtml(content.testPersonName)}</button>
        <button type="submit" name="outcome" value="failed" class="secondary">Fail authentication</button>
      </div>
    </form>
  </main>
</body>
</html>
`;
}

export function renderUnknownLoginPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Login link not valid - ID Contact test authentication</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <p class="test-banner" role="note">This is a TEST login.</p>
    <h1>This login link is not valid</h1>
    <p>It is unknown or has already been used. Go back and start again.</p>
  </main>
</body>
</html>
`;
}

/**
 * The HTML of the stand-in core's start page, which stands in for the
 * municipality's ID Contact start page (the "initiator" in front of the real
 * core): the resident picks a subject (purpose), then a way to talk and a
 * login method, and the form goes to the core. Plain HTML without script, so
 * it works in any browser; every value from configuration or request is
 * escaped. The routes are in app.ts.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../escape-html.ts';

export const START_PAGE_PATH = '/start-page';

export interface StartPageOptions {
  /** How the page names each purpose to residents; the tag otherwise. */
  purposeNames?: Readonly<Record<string, string>>;
  /** Comm methods shown but not offered, because no plugin for them runs here. */
  unavailableCommMethods?: readonly string[];
}

export interface PurposeChoice {
  tag: string;
  name: string;
}

export interface MethodChoice {
  tag: string;
  name: string;
  /** Root-relative on the core, as `image_path` is. */
  imagePath: string;
  available: boolean;
}

export type StartPageContent =
  | { step: 'purpose'; purposes: readonly PurposeChoice[] }
  | { step: 'methods'; purpose: PurposeChoice; commMethods: readonly MethodChoice[]; authMethods: readonly MethodChoice[] };

export interface StartErrorContent {
  status: 400 | 500;
  /** The core's own reason, for whoever runs the demo. */
  technical: string;
  /** Where "choose again" leads. */
  backHref: string;
}

const STYLE = `
  :root { color-scheme: light; --brand: #0b4f71; --brand-tint: #e7f1f6; --accent: #f5b700; --text: #1c2329;
          --muted: #56626c; --line: #d5dde3; font-family: "Segoe UI", system-ui, -apple-system, Roboto, sans-serif;
          line-height: 1.5; color: var(--text); background: #f3f5f7; }
  body { margin: 0; }
  .site-header { background: var(--brand); color: #fff; border-bottom: 4px solid var(--accent); }
  .site-header p { max-width: 40rem; margin: 0 auto; padding: 0.9rem 1.25rem; font-size: 1.3rem; font-weight: 700; }
  main { max-width: 40rem; margin: 1.5rem auto; padding: 1.75rem; background: #fff; border: 1px solid var(--line);
         border-radius: 14px; box-shadow: 0 2px 10px rgb(11 79 113 / 0.08); }
  .demo-note { margin: 0 0 1.5rem; padding: 0.75rem 1rem; border: 2px dashed #b35900; border-radius: 8px;
               background: #fff4e5; color: #5c2e00; }
  h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
  fieldset { border: 0; margin: 1.5rem 0 0; padding: 0; }
  legend { font-weight: 700; font-size: 1.1rem; margin-bottom: 0.5rem; }
  .choices { display: grid; gap: 0.5rem; }
  .choice { display: flex; align-items: center; gap: 0.75rem; padding: 0.6rem 0.9rem; border: 2px solid var(--line);
            border-radius: 10px; cursor: pointer; }
  .choice input { width: 1.2rem; height: 1.2rem; margin: 0; accent-color: var(--brand); }
  .choice img { width: 2.5rem; height: 2.5rem; }
  .choice:has(input:checked) { border-color: var(--brand); background: var(--brand-tint); }
  .choice:has(input:focus-visible) { outline: 3px solid var(--accent); outline-offset: 2px; }
  .choice--off { cursor: not-allowed; color: var(--muted); background: #f7f8f9; }
  .choice--off img { opacity: 0.5; }
  .chosen { margin: 1rem 0 0; padding: 0.75rem 1rem; background: var(--brand-tint); border-radius: 10px; }
  .actions { margin-top: 1.75rem; }
  button { font: inherit; font-weight: 600; padding: 0.7rem 1.3rem; border-radius: 8px; cursor: pointer;
           border: 2px solid var(--brand); background: var(--brand); color: #fff; }
  button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  a { color: var(--brand); }
  code { font-size: 0.9em; overflow-wrap: anywhere; }
  .technical { color: var(--muted); font-size: 0.95rem; }
`;

/**
 * Headers for every page here. The style's hash lets the CSP forbid all else
 * inline. No form-action: the form's answer redirects to the auth plugin's
 * origin, and Chromium applies form-action to that redirect too.
 */
export const START_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "img-src 'self'",
    `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} - Gemeente Voorbeeld (demo)</title>
  <style>${STYLE}</style>
</head>
<body>
  <header class="site-header"><p>Gemeente Voorbeeld</p></header>
  <main>
    <p class="demo-note" role="note">Demo: deze pagina speelt de startpagina van de gemeente na. Daar kiest u hoe u
      contact wilt; de ID Contact core (ook nagespeeld) start dan de chat en het inloggen. Gemeente Voorbeeld
      bestaat niet en niemand logt echt in.</p>
${body}
  </main>
</body>
</html>
`;
}

function choice(name: string, method: MethodChoice, checked: boolean): string {
  const unavailable = method.available ? '' : ' <span>(niet in deze demo)</span>';
  const state = method.available ? ` required${checked ? ' checked' : ''}` : ' disabled';
  return `<label class="choice${method.available ? '' : ' choice--off'}">
          <input type="radio" name="${name}" value="${escapeHtml(method.tag)}"${state}>
          <img src="${escapeHtml(method.imagePath)}" alt="" width="40" height="40">
          <span>${escapeHtml(method.name)}${unavailable}</span>
        </label>`;
}

function purposeStep(purposes: readonly PurposeChoice[]): string {
  const radios = purposes
    .map(
      (purpose, index) => `<label class="choice">
          <input type="radio" name="purpose" value="${escapeHtml(purpose.tag)}" required${index === 0 ? ' checked' : ''}>
          <span>${escapeHtml(purpose.name)}</span>
        </label>`,
    )
    .join('\n        ');
  // GET: choosing a subject changes nothing yet, and the next step can be bookmarked.
  return `    <h1>Contact met de gemeente</h1>
    <p>Kies waarover u contact wilt. Daarna kiest u hoe u wilt praten en hoe u inlogt; na het inloggen
      ziet de medewerker wie u bent.</p>
    <form method="get" action="${START_PAGE_PATH}">
      <fieldset>
        <legend>Waarover gaat het?</legend>
        <div class="choices">
        ${radios}
        </div>
      </fieldset>
      <div class="actions"><button type="submit">Verder</button></div>
    </form>`;
}

function methodsStep(purpose: PurposeChoice, commMethods: readonly MethodChoice[], authMethods: readonly MethodChoice[]): string {
  const firstComm = commMethods.find((method) => method.available);
  const comm = commMethods.map((method) => choice('comm_method', method, method === firstComm)).join('\n        ');
  const auth = authMethods.map((method) => choice('auth_method', method, false)).join('\n        ');
  const submit = firstComm
    ? '<div class="actions"><button type="submit">Inloggen en starten</button></div>'
    : '<p>Voor dit onderwerp kunt u in deze demo op geen enkele manier contact opnemen.</p>';
  return `    <h1>Contact met de gemeente</h1>
    <p class="chosen">Onderwerp: <strong>${escapeHtml(purpose.name)}</strong>.
      <a href="${START_PAGE_PATH}">Ander onderwerp kiezen</a></p>
    <form method="post" action="${START_PAGE_PATH}">
      <input type="hidden" name="purpose" value="${escapeHtml(purpose.tag)}">
      <fieldset>
        <legend>Hoe wilt u contact?</legend>
        <div class="choices">
        ${comm}
        </div>
      </fieldset>
      <fieldset>
        <legend>Hoe logt u in?</legend>
        <div class="choices">
        ${auth}
        </div>
      </fieldset>
      ${submit}
    </form>`;
}

export function renderStartPage(content: StartPageContent): string {
  if (content.step === 'purpose') return page('Contact met de gemeente', purposeStep(content.purposes));
  return page(`${content.purpose.name}: contact met de gemeente`, methodsStep(content.purpose, content.commMethods, content.authMethods));
}

export function renderStartErrorPage(content: StartErrorContent): string {
  const [title, explanation] =
    content.status === 400
      ? ['Deze keuze kan niet', 'Dit onderwerp, deze manier van contact of deze inlogmethode bestaat niet of hoort niet bij elkaar.']
      : ['Starten lukt nu niet', 'De chat of de inlogdienst reageert niet zoals verwacht. Probeer het over een paar minuten opnieuw.'];
  return page(
    title,
    `    <h1>${title}</h1>
    <p>${explanation}</p>
    <p class="technical">Technische melding: <code>${escapeHtml(content.technical)}</code></p>
    <p><a href="${escapeHtml(content.backHref)}">Opnieuw kiezen</a></p>`,
  );
}

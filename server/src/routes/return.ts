/**
 * `GET /return/:session_id`, the comm_url: where the user's browser lands
 * after authenticating. It may carry the result as `?result=<JWE>` (the
 * core's fallback delivery), verified exactly like an attr_url POST.
 *
 * A widget-started login must return in the browser that launched it (its
 * binding cookie, see results/binding.ts): a return anywhere else is foreign, and the
 * result is refused (or withdrawn, if it was out already). That browser gets a
 * page saying its details were not passed on, and what to do.
 *
 * Opened as the widget's popup, the page closes itself; otherwise it sends the
 * user back to the page they came from, or tells them to go back to the chat.
 */
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import { MAX_RESULT_BYTES } from '../results/auth-result.ts';
import { bindingCookieName, refuseForeign, settle } from '../results/binding.ts';
import type { AppContext } from '../context.ts';
import { takeResult } from '../results/intake.ts';
import { matchesDigest } from '../crypto/secrets.ts';
import { PAGE_TEXT, pageLanguage, residentPage, scriptJson } from './resident-page.ts';

/** The widget names its login windows `id-contact-auth-<n>`, so the page knows to close. */
export const POPUP_WINDOW_NAME = 'id-contact-auth';

export function returnPageRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  return new Hono().get('/:session_id', async (c) => {
    const lang = pageLanguage(c);
    const text = PAGE_TEXT[lang];
    const id = c.req.param('session_id');
    let session = await deps.store.get(id);
    const token = c.req.query('result');

    if (session?.binding) {
      const binding = session.binding;
      const own = binding.browserDigest !== undefined && matchesDigest(getCookie(c, bindingCookieName(config, id)), binding.browserDigest);
      deps.metrics.loginReturns.inc({ browser: own ? 'own' : 'foreign' });
      const step = await deps.store.bind(id, { type: 'return', foreign: !own });
      if (!own || step?.session.binding?.foreignAt !== undefined) {
        // Nothing on this URL is taken, `?result=` included: it is not this browser's login.
        if (step?.changed) await refuseForeign(context, step.session);
        const body = [text.foreign, text.foreignOwn, text.foreignWarn];
        return residentPage(c, { lang, title: text.foreignTitle, body }, 403);
      }
      if (step) session = step.session;
    }

    let status: 200 | 400 | 404 | 409 = session ? 200 : 404;
    if (token !== undefined && session) {
      if (token.length > MAX_RESULT_BYTES) status = 400;
      else {
        const outcome = await takeResult(context, session, token, 'return_url');
        if (!outcome.accepted) status = outcome.status;
      }
    }
    // The result may have come before this return: it may go now (or once the settle time is over).
    if (session?.binding) await settle(context, id);
    // Refused or not, a session that has its result is done for this user.
    const refused = status !== 200 && !(status === 409 && session?.result);
    const [title, message] = !session ? [text.unknownTitle, text.unknown] : refused ? [text.refusedTitle, text.refused] : [text.title, text.done];
    const returnUrl = session?.returnUrl;
    const next = returnUrl ? html`<span id="next"><a href="${returnUrl}">${text.link}</a></span>` : html`<span id="next">${text.back}</span>`;

    return residentPage(
      c,
      {
        lang,
        title,
        body: [message, next],
        script: (nonce) => html`<script nonce="${nonce}">
  (function () {
    var returnUrl = ${raw(scriptJson(returnUrl ?? null))};
    // The result must not stay in the address bar or history.
    if (location.search) history.replaceState(null, '', location.pathname);
    if (window.name.indexOf(${raw(scriptJson(POPUP_WINDOW_NAME))}) === 0 || window.opener) {
      window.close();
      document.getElementById('next').textContent = ${raw(scriptJson(text.closing))};
    } else if (returnUrl) {
      location.replace(returnUrl);
    }
  })();
</script>`,
      },
      status,
    );
  });
}

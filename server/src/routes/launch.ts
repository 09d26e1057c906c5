/**
 * `POST /launch/:session_id`: where the widget sends the browser to begin a
 * login (in the login window, or the page itself in redirect mode), as a form
 * POST of the launch token from `POST /sessions`. It ties the login to this
 * browser with a first-party cookie and sends it on to the core's client_url
 * (see results/binding.ts for why).
 *
 * Sent on by a page of ours (a script's `location.replace`, with a link for
 * no script), not a 303: browsers apply the embedding site's CSP
 * `form-action` to a form's redirects too, so a 303 would make every site
 * list every auth plugin's origin there. This way it lists the backend only.
 *
 * Only a page on IDC_ALLOWED_ORIGINS can make this request from a browser: a
 * form POST carries its page's `Origin`, which no page can forge, and a link
 * is a GET. A tool without a browser can send any Origin, but the cookie it
 * gets is its own, not a victim's. The token opens one browser, once: the
 * widget's "open the login window again" starts a new login (a cross-site
 * form POST does not carry the SameSite=Lax cookie, so a second launch could
 * not tell this browser from another).
 */
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { bindingCookieName } from '../results/binding.ts';
import type { AppContext } from '../context.ts';
import { readBodyText } from '../http/request-body.ts';
import { digest, matchesDigest, randomSecret } from '../crypto/secrets.ts';
import { html, raw } from 'hono/html';
import { PAGE_TEXT, pageLanguage, residentPage, scriptJson } from './resident-page.ts';

/** A launch body is one token (and nothing of a person). */
const MAX_LAUNCH_BODY_BYTES = 1024;

export function launchRoutes(context: AppContext): Hono {
  const { config, deps } = context;
  const secure = config.publicUrl.startsWith('https:');

  const refusal = (c: Context, status: 403 | 404 | 405 | 415, reason: string) => {
    const lang = pageLanguage(c);
    const text = PAGE_TEXT[lang];
    deps.logger.warn('launch refused', { reason });
    const [title, message] = status === 404 ? [text.unknownTitle, text.unknown] : [text.launchTitle, text.launch];
    return residentPage(c, { lang, title, body: [message] }, status);
  };

  return new Hono()
    .get('/:session_id', (c) => refusal(c, 405, 'not_a_form_post'))
    .post('/:session_id', async (c) => {
      const origin = c.req.header('Origin');
      if (origin === undefined || !config.allowedOrigins.includes(origin)) {
        // Also `Origin: null`: a page whose Referrer-Policy is no-referrer sends that (see docs/binding.md).
        return refusal(c, 403, 'origin_not_allowed');
      }
      const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') return refusal(c, 415, 'not_a_form');
      const token = new URLSearchParams(await readBodyText(c, MAX_LAUNCH_BODY_BYTES)).get('token') ?? undefined;

      const session = await deps.store.get(c.req.param('session_id'));
      const binding = session?.binding;
      if (!session || !binding?.clientUrl) return refusal(c, 404, 'unknown_session');
      if (!matchesDigest(token, binding.launchDigest)) return refusal(c, 403, 'invalid_token');

      if (binding.browserDigest !== undefined) return refusal(c, 403, 'already_launched');
      const browser = randomSecret();
      const step = await deps.store.bind(session.id, { type: 'launch', browserDigest: digest(browser) });
      if (!step) return refusal(c, 404, 'unknown_session');
      // Two launches racing: the other one won.
      if (!step.changed) return refusal(c, 403, 'already_launched');

      setCookie(c, bindingCookieName(config, session.id), browser, {
        httpOnly: true,
        sameSite: 'Lax',
        secure,
        path: '/',
        maxAge: config.sessionTtlSeconds,
      });
      const lang = pageLanguage(c);
      const text = PAGE_TEXT[lang];
      const clientUrl = binding.clientUrl;
      return residentPage(
        c,
        {
          lang,
          title: text.launchingTitle,
          body: [html`<a id="login" href="${clientUrl}">${text.launching}</a>`],
          script: (nonce) => html`<script nonce="${nonce}">
  location.replace(${raw(scriptJson(clientUrl))});
</script>`,
        },
        200,
      );
    });
}

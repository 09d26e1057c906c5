/**
 * A login that keeps a session at the auth plugin (the result carries
 * session_url), through the stand-in core's full `/start`, landed on the chat
 * page; and a reload of the page that holds it.
 */
import { fixtureCleanup } from '@open-wc/testing';
import { land, mount, startChat, waitForState } from './browser.js';

export interface Stored {
  session: { session_id: string; events_url: string };
}

/** Logs in with a session-keeping method, lands on the chat page, waits for success. */
export async function loggedIn(lang = 'nl') {
  const { chatUrl } = await startChat({ via: 'core', authMethod: 'irma_session', commMethod: 'chat', login: 'succes' });
  land(chatUrl);
  // The stored session is there between attach and the result: keep a copy to look at the backend with.
  let stored: Stored | undefined;
  const peek = (e: Event) => {
    if ((e as CustomEvent<{ state: string }>).detail.state !== 'waiting') return;
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('id-contact-auth'));
    stored = key ? (JSON.parse(sessionStorage.getItem(key)!) as Stored) : undefined;
  };
  document.addEventListener('id-contact-state', peek);
  const { el } = await mount({ lang });
  await waitForState(el, 'success');
  document.removeEventListener('id-contact-state', peek);
  if (!stored) throw new Error('no stored session seen');
  return { el, session: stored.session };
}

/** A reload: the element goes away and a new one comes, with the same sessionStorage. */
export function reload(lang = 'nl') {
  fixtureCleanup();
  return mount({ lang });
}

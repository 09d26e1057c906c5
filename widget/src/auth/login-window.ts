/**
 * The login window (popup or new tab): its name, opening it inside the
 * click, the text it shows while the core is asked, sending it to the login
 * page, closing it safely and noticing when the user closed it.
 */
import type { Session as StartedSession } from '../shared/wire.js';

/**
 * Login windows are named `id-contact-auth-<n>`, one name per login: a window
 * of an earlier login that is still closing can then never be reused (and
 * closed) in place of the new one. The backend's return page closes windows
 * whose name starts with `id-contact-auth`.
 */
export const WINDOW_NAME = 'id-contact-auth';
let windowCount = 0;
const FEATURES = 'popup,width=480,height=720';
/**
 * How long a closed login window may go without a result before the widget
 * says it was closed: the return page closes the window itself right after a
 * login, and the result comes over the stream a moment later.
 */
export const CLOSED_GRACE_MS = 3000;

/** A name no earlier login's window has. */
export const newWindowName = (): string => `${WINDOW_NAME}-${++windowCount}`;

/** Opens (or finds) the window named `name`; null when the popup blocker said no. */
export const openLoginWindow = (url: string, name: string): Window | null => window.open(url, name, FEATURES);

/** Says what is going on in a window still at about:blank, in the widget's language. */
export function fillWindow(popup: Window, lang: string, title: string, text: string): void {
  try {
    const doc = popup.document;
    doc.documentElement.lang = lang;
    doc.title = title;
    doc.body.style.cssText = 'font:1.25em system-ui,sans-serif;padding:2em;text-align:center';
    doc.body.textContent = text;
  } catch {
    // not ours to write to (an embedding that opens windows elsewhere): it stays blank
  }
}

/**
 * Sends the window named `target` (`_self`: this page) to the login: a form
 * POST of the launch token to the backend, which ties the login to this
 * browser and sends it on to the login page (server/src/results/binding.ts). A form,
 * because its `Origin` is the page's and cannot be forged; a link could be
 * opened anywhere. A site whose CSP has `form-action` must allow the backend.
 */
export function submitLaunch(session: StartedSession, target: string): void {
  const form = Object.assign(document.createElement('form'), { method: 'post', action: session.launch_url, target });
  form.append(Object.assign(document.createElement('input'), { type: 'hidden', name: 'token', value: session.launch_token }));
  document.body.append(form);
  form.submit();
  form.remove();
}

/**
 * Closes a login window once its navigation to the login page has committed.
 * Chromium loses a close() that lands while the window still shows
 * about:blank with that cross-site navigation pending, and `closed` turns
 * true all the same, so the window would stay. The window is ours until the
 * login page commits (its location is readable); after that reading it throws.
 */
export function closeWhenSettled(popup: Window, waitedMs = 0): void {
  if (pending(popup) && !popup.closed && waitedMs < 5000) setTimeout(() => closeWhenSettled(popup, waitedMs + 100), 100);
  else {
    popup.close();
    // The same loss when the close lands while our launch page moves on to the login page: send
    // the window to a blank page (allowed across origins) and close it again. A closed one throws.
    setTimeout(() => {
      try {
        popup.location.replace('about:blank');
      } catch {
        return;
      }
      setTimeout(() => popup.close(), 300);
    }, 500);
  }
}

/** Whether the window still shows about:blank with its first navigation pending. */
function pending(popup: Window): boolean {
  try {
    return popup.location.href === 'about:blank';
  } catch {
    return false; // cross-origin now: a page has committed
  }
}

/**
 * Watches the login window while `waiting()` holds: once it is closed and no
 * result came within CLOSED_GRACE_MS, calls `onClosed`. Returns the stop.
 */
export function watchWindow(popup: Window, waiting: () => boolean, onClosed: () => void): () => void {
  let closedAt = 0;
  const timer = setInterval(() => {
    if (!waiting()) clearInterval(timer);
    else if (!popup.closed) closedAt = 0;
    else if (!closedAt) closedAt = Date.now();
    else if (Date.now() - closedAt >= CLOSED_GRACE_MS) {
      clearInterval(timer);
      onClosed();
    }
  }, 250);
  return () => clearInterval(timer);
}

/**
 * Script-tag entry: registers <id-contact-auth> and remembers where the
 * script came from, which is the backend unless the page says otherwise.
 */
import { IdContactAuth } from './id-contact-auth.js';

// A classic (IIFE) script is document.currentScript only while it first runs;
// a module knows its URL from import.meta.
const script = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

// Loading the script twice (or two builds of it) must not throw.
if (!customElements.get('id-contact-auth')) {
  try {
    IdContactAuth.defaultBackend = new URL(script).origin;
  } catch {
    // no usable script URL: the element falls back to the page's origin
  }
  customElements.define('id-contact-auth', IdContactAuth);
}

export { IdContactAuth };
export * from './id-contact-auth.js';

/**
 * Registration for both elements (auth/define.ts, agent/define.ts):
 * remembers where the script came from, which is the backend unless the page
 * says otherwise, and defines the element once.
 */
/**
 * Must run while the script first runs: a classic (IIFE) script is
 * document.currentScript only then; a module knows its URL from import.meta.
 * Loading the script twice (or two builds of it) must not throw.
 */
export function register(tag: string, element: CustomElementConstructor & { defaultBackend: string }): void {
  const script = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;
  if (customElements.get(tag)) return;
  try {
    element.defaultBackend = new URL(script).origin;
  } catch {
    // no usable script URL: the element falls back to the page's origin
  }
  customElements.define(tag, element);
}

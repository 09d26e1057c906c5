/**
 * A browser, as far as the login binding can tell one from another: a cookie
 * jar for the backend, a page origin for its form POSTs, and navigations that
 * follow redirects (sending the jar's cookies to the backend only, as a
 * browser sends each site its own). Two of these are two browsers.
 */
import { SITE_ORIGIN } from './backend.ts';
import { logInAtPlugin } from './stack.ts';

export interface LaunchableSession {
  session_id: string;
  launch_url: string;
  launch_token: string;
}

/** Where a launch page sends the browser on to (its link; its script does the same). */
export function launchedTo(page: string): string {
  const href = /<a id="login" href="([^"]+)"/.exec(page)?.[1];
  if (!href) throw new Error('not a launch page');
  return href.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export class ResidentBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly backendUrl: string,
    /** The page the widget runs on: the launch form's `Origin`. */
    private readonly pageOrigin = SITE_ORIGIN,
  ) {}

  /** The launch form POST, as the widget makes it; the answer, not followed. */
  async postLaunch(session: LaunchableSession, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(session.launch_url, {
      method: 'POST',
      headers: { Origin: this.pageOrigin, 'Content-Type': 'application/x-www-form-urlencoded', ...this.cookieHeader(session.launch_url), ...headers },
      body: new URLSearchParams({ token: session.launch_token }),
      redirect: 'manual',
    });
    this.keepCookies(session.launch_url, response);
    return response;
  }

  /** Launches the login here; returns the core's client_url the page sends the browser on to. */
  async launch(session: LaunchableSession): Promise<string> {
    const response = await this.postLaunch(session);
    if (response.status !== 200) throw new Error(`launch answered ${response.status}`);
    return launchedTo(await response.text());
  }

  /** A top-level GET that follows redirects; the last answer. */
  async navigate(url: string): Promise<Response> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(current, { headers: this.cookieHeader(current), redirect: 'manual' });
      this.keepCookies(current, response);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      current = new URL(location, current).href;
    }
    throw new Error('too many redirects');
  }

  /** At the stand-in auth plugin's page: log in (or fail), then the browser follows back to the comm_url. */
  async finishLogin(clientUrl: string, outcome: 'succes' | 'failed' = 'succes'): Promise<Response> {
    const landing = await logInAtPlugin(clientUrl, outcome);
    return this.navigate(new URL(landing.headers.get('location')!, clientUrl).href);
  }

  /** The whole login in this browser: launch, log in at the plugin, return. The return page's answer. */
  async logIn(session: LaunchableSession, outcome: 'succes' | 'failed' = 'succes'): Promise<Response> {
    return this.finishLogin(await this.launch(session), outcome);
  }

  /** Launches, then returns to the comm_url: for tests that post the result to attr_url themselves. */
  async launchAndReturn(session: LaunchableSession): Promise<Response> {
    await this.launch(session);
    return this.navigate(`${this.backendUrl}/return/${session.session_id}`);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private cookieHeader(url: string): Record<string, string> {
    if (new URL(url).origin !== new URL(this.backendUrl).origin || this.cookies.size === 0) return {};
    return { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private keepCookies(url: string, response: Response): void {
    if (new URL(url).origin !== new URL(this.backendUrl).origin) return;
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }
}

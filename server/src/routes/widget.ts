/**
 * The built script-tag bundles, loadable from any site: `GET /widget.js` (ES
 * module) and `GET /widget.iife.js` (classic script) for `<id-contact-auth>`,
 * `GET /agent.js` and `GET /agent.iife.js` for `<id-contact-agent>`. A module
 * script from another origin is fetched in CORS mode, hence the `*`.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { AppContext } from '../context.ts';
import { errorResponse } from '../errors.ts';

const BUNDLES: Record<string, string> = {
  'widget.js': 'id-contact-auth.js',
  'widget.iife.js': 'id-contact-auth.iife.js',
  'agent.js': 'id-contact-agent.js',
  'agent.iife.js': 'id-contact-agent.iife.js',
};

/** What to do about a missing bundle: the command that builds it (for the answer, /readyz and the start-up log). */
export const WIDGET_MISSING_MESSAGE =
  'the widget bundle is missing: run `npm run build:widget` (or `npm run build`, the production build) on the server';

export interface WidgetBundleStatus {
  /** `missing` when any of the four bundles is not in IDC_WIDGET_DIR. */
  widget: 'ok' | 'missing';
  /** The bundle files not found (names only, no path). */
  missing: string[];
}

/** Whether every bundle the widget routes serve is in `config.widgetDir`. */
export async function widgetBundleStatus(config: Pick<Config, 'widgetDir'>): Promise<WidgetBundleStatus> {
  const files = Object.values(BUNDLES);
  const found = await Promise.all(files.map((file) => access(join(config.widgetDir, file)).then(() => true, () => false)));
  const missing = files.filter((_, index) => !found[index]);
  return { widget: missing.length ? 'missing' : 'ok', missing };
}

export function widgetRoutes({ config }: AppContext): Hono {
  const app = new Hono();
  for (const [route, file] of Object.entries(BUNDLES)) {
    app.get(`/${route}`, async (c) => {
      let source: Buffer;
      try {
        source = await readFile(join(config.widgetDir, file));
      } catch {
        return errorResponse(c, 404, 'widget_not_built', WIDGET_MISSING_MESSAGE);
      }
      return c.body(new Uint8Array(source), 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        // Short: the URL is unversioned, and sites should get fixes the same day.
        'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
      });
    });
  }
  return app;
}

/**
 * Which built widget bundles the backend serves, and whether they are all in
 * IDC_WIDGET_DIR: asked by the widget routes, /healthz, /readyz and the
 * start-up log (main.ts), so it is not a route module itself.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.ts';

export const BUNDLES: Record<string, string> = {
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

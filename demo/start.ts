/**
 * `npm start`: the widget bundles, rebuilt only if what they are made of
 * changed (scripts/build-widget-if-changed.ts), then the demo (src/main.ts), in
 * one process: a second Node start-up would cost more than the check itself.
 * Flags after `npm start --` reach the demo as they are.
 */
import { buildWidgetIfChanged } from '../scripts/build-widget-if-changed.ts';

const started = performance.now();
if (await buildWidgetIfChanged()) {
  console.log(`widget bundles built in ${Math.round(performance.now() - started)} ms (dist/widget)`);
}
await import('./src/main.ts');

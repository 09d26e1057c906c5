/**
 * `id-contact-auth/vue`: types for both tags in a Vue 3 app's templates (types only;
 * `import type {} from 'id-contact-auth/vue'` once, for vue-tsc and editors). Vue itself
 * must be told they are custom elements: `compilerOptions.isCustomElement` (docs/widget.md).
 */
import type { DefineComponent } from 'vue';
import type { IdContactAuth } from '../auth/id-contact-auth.js';
import type { IdContactAgent } from '../agent/id-contact-agent.js';
import type { ElementProperties } from './element-props.js';

export type IdContactAuthProps = ElementProperties<IdContactAuth> & { theme?: 'light' | 'dark' };
export type IdContactAgentProps = ElementProperties<IdContactAgent>;

declare module 'vue' {
  interface GlobalComponents {
    'id-contact-auth': DefineComponent<IdContactAuthProps>;
    'id-contact-agent': DefineComponent<IdContactAgentProps>;
  }
}

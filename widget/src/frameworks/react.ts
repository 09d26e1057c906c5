/**
 * `id-contact-auth/react`: JSX types for both elements in a React 19 app (types only;
 * `import type {} from 'id-contact-auth/react'` once). React 19 sets an element's
 * properties (objects such as `strings` included) and listens to its events through
 * `on<event-name>` props, e.g. `onid-contact-authenticated`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { IdContactAuth, IdContactEventMap } from '../auth/id-contact-auth.js';
import type { IdContactAgent, IdContactAgentEventMap } from '../agent/id-contact-agent.js';
import type { ElementProperties, EventListeners } from './element-props.js';

type ElementProps<E extends HTMLElement, M> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, keyof ElementProperties<E>> &
  ElementProperties<E> &
  EventListeners<M> & { theme?: 'light' | 'dark' };

export type IdContactAuthProps = ElementProps<IdContactAuth, IdContactEventMap>;
export type IdContactAgentProps = ElementProps<IdContactAgent, IdContactAgentEventMap>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'id-contact-auth': IdContactAuthProps;
      'id-contact-agent': IdContactAgentProps;
    }
  }
}

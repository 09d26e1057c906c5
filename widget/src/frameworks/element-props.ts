/**
 * What a framework may set on an element, read off the element class itself: its own
 * writable, non-method fields (not LitElement's or HTMLElement's), and one `on<event>`
 * listener per event of its event map.
 */
import type { LitElement } from 'lit';

type IfEquals<X, Y, A, B> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? A : B;

/** Keys of T that can be assigned (not getters only, not `readonly`). */
type WritableKeys<T> = { [K in keyof T]-?: IfEquals<{ [Q in K]: T[K] }, { -readonly [Q in K]: T[K] }, K, never> }[keyof T];

type MethodKeys<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

/** The element's own settable properties, all optional. */
export type ElementProperties<E> = Partial<Pick<E, Exclude<WritableKeys<E>, keyof LitElement | MethodKeys<E> | 'langAttribute'>>>;

/** `on<event-name>` listeners, as React 19 attaches them to custom elements (the name as is). */
export type EventListeners<M> = { [K in keyof M as `on${K & string}`]?: (event: M[K]) => void };

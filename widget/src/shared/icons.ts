/**
 * Small status icons (24×24, currentColor), decorative: the text next to
 * them says the same.
 */
import { html } from 'lit';

const icon = (d: string) =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d=${d} /></svg>`;

/** A check mark: verified. */
export const checkIcon = icon('M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4Z');
/** A cross: failed. */
export const crossIcon = icon('M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6Z');
/** A dash: anything else that is not verified. */
export const dashIcon = icon('M5 11h14v2H5Z');

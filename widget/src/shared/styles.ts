/**
 * The look both elements share. Every colour, the radius and the font come
 * from an `--id-contact-*` custom property with a light and a dark default;
 * the defaults follow prefers-color-scheme unless `theme="light|dark"` is set
 * on the element. Each element adds its own rules after these.
 */
import { css } from 'lit';

const dark = css`
  --_fg: var(--id-contact-color, #e3e3e8);
  --_bg: var(--id-contact-background, #1b1b1f);
  --_accent: var(--id-contact-accent, #a8c7fa);
  --_on-accent: var(--id-contact-on-accent, #062e6f);
  --_border: var(--id-contact-border-color, #8e9099);
  --_error: var(--id-contact-error-color, #f2b8b5);
  --_ok: var(--id-contact-success-color, #6dd58c);
  color-scheme: dark;
`;

export const baseStyles = css`
  :host {
    --_fg: var(--id-contact-color, #1b1b1f);
    --_bg: var(--id-contact-background, #fff);
    --_accent: var(--id-contact-accent, #0b57d0);
    --_on-accent: var(--id-contact-on-accent, #fff);
    --_border: var(--id-contact-border-color, #74777f);
    --_error: var(--id-contact-error-color, #b3261e);
    --_ok: var(--id-contact-success-color, #146c2e);
    --_radius: var(--id-contact-radius, 8px);
    color-scheme: light;
    display: block;
    font: var(--id-contact-font, inherit);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
  :host([hidden]) {
    display: none;
  }
  .box {
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1em;
  }
  p {
    margin: 0 0 0.75em;
  }
  .status {
    font-weight: 600;
  }
  .busy::before {
    content: '';
    display: inline-block;
    width: 0.9em;
    height: 0.9em;
    margin-inline-end: 0.5em;
    vertical-align: -0.1em;
    border: 2px solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  button {
    font: inherit;
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5em 1em;
    min-height: 2.75em;
    cursor: pointer;
  }
  button:hover {
    background: color-mix(in srgb, var(--_accent) 12%, transparent);
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    .busy::before {
      animation: none;
      border-inline-end-color: currentColor;
      border-style: dotted;
    }
  }
`;

/**
 * The look both elements share. Every colour, the radius and the font come
 * from an `--id-contact-*` custom property with a light and a dark default;
 * the defaults follow prefers-color-scheme unless `theme="light|dark"` is set
 * on the element. Each element adds its own rules after these.
 *
 * A page that sets only one colour of a pair must not get unreadable text
 * (a cream background under the dark scheme's light text). So a colour the
 * page leaves unset, while its partner is set, is derived from that partner
 * (the `--_*-from-*` properties below); with nothing set the defaults apply exactly.
 */
import { css } from 'lit';

/**
 * The derivations, in CSS relative colour syntax. Each reads a colour the
 * page set through `var()`; while that is unset the `var()` fails, the
 * derived property is guaranteed-invalid, and `var(--x, var(--_derived,
 * default))` falls back to the default.
 *
 * A colour's relative luminance Y (WCAG's) is taken exactly, as a grey of
 * the same Y in srgb-linear; its oklch `l` is then the cube root of Y. At
 * Y = 0.179 (`l` = 0.5636) black and white contrast equally (4.58:1), so
 * that is where a partner switches from dark to light: a lighter surface
 * gets a dark partner, a darker one a light partner, and the nearer the
 * surface is to that point, the nearer its partner goes to black or white.
 * Every neutral pair made this way has at least 4.5:1.
 *
 * The formula pieces are custom properties: a `var()` is replaced by its
 * tokens before the colour is read, so `r`, `g`, `b` and `l` in them are the
 * channels of the colour they end up in.
 *
 * - `--_grey`: as `color(from X var(--_grey))`, a grey of X's luminance Y;
 *   its oklch `l` is the cube root of Y.
 * - `--_lit`: 1 on a surface lighter than the switch point (l 0.5636), else 0.
 * - `--_text`: neutral text on that surface: on a light one from black at the
 *   switch point to 0.2 (the default text's lightness), on a dark one from
 *   white to 0.93. `--_under`: the same, but white under dark text.
 * - `--_tint`, `--_chroma`: a colour (error, success, accent) on that surface,
 *   as far from it in lightness as text needs, at most the defaults' 0.5 and
 *   0.8, its chroma fading towards black and white, where there is none.
 */
const dark = css`
  --_fg: var(--id-contact-color, var(--_fg-from-bg, #e3e3e8));
  --_bg: var(--id-contact-background, var(--_bg-from-fg, #1b1b1f));
  --_accent: var(--id-contact-accent, var(--_accent-from-partner, #a8c7fa));
  --_on-accent: var(--id-contact-on-accent, var(--_on-accent-from-accent, #062e6f));
  --_border: var(--id-contact-border-color, #8e9099);
  --_error: var(--id-contact-error-color, var(--_error-on-bg, #f2b8b5));
  --_ok: var(--id-contact-success-color, var(--_ok-on-bg, #6dd58c));
  color-scheme: dark;
`;

export const baseStyles = css`
  :host {
    --_grey: srgb-linear var(--_Y) var(--_Y) var(--_Y);
    --_Y: calc(0.2126 * r + 0.7152 * g + 0.0722 * b);
    --_lit: clamp(0, (l - 0.5636) * 1e5, 1);
    --_dark: clamp(0, (l - 0.5636) * 2, 0.2);
    --_text: calc(var(--_lit) * var(--_dark) + (1 - var(--_lit)) * clamp(0.93, 1 + (l - 0.5636) / 2, 1));
    --_under: calc(var(--_lit) * var(--_dark) + 1 - var(--_lit));
    --_tint: calc(var(--_lit) * clamp(0, l - 0.5, 0.5) + (1 - var(--_lit)) * clamp(0.8, l + 0.43, 1));
    --_chroma: calc(var(--_lit) * clamp(0, (l - 0.5) * 0.3, 0.15) + (1 - var(--_lit)) * clamp(0, (0.57 - l) * 0.4, 0.08));
    --_fg-from-bg: oklch(from color(from var(--id-contact-background) var(--_grey)) var(--_text) 0 0 / 1);
    --_bg-from-fg: oklch(from color(from var(--id-contact-color) var(--_grey)) var(--_under) 0 0 / 1);
    /* The surface the page set, or got from its text colour: invalid while neither is set. */
    --_surface: color(from var(--id-contact-background, var(--_bg-from-fg)) var(--_grey));
    --_error-on-bg: oklch(from var(--_surface) var(--_tint) var(--_chroma) 29 / 1);
    --_ok-on-bg: oklch(from var(--_surface) var(--_tint) var(--_chroma) 148 / 1);
    --_accent-from-partner: oklch(
      from color(from var(--id-contact-on-accent, var(--_surface)) var(--_grey)) var(--_tint) var(--_chroma) 261 / 1
    );
    --_on-accent-from-accent: oklch(
      from color(from var(--id-contact-accent, var(--_accent-from-partner)) var(--_grey)) var(--_text) 0 0 / 1
    );
    --_fg: var(--id-contact-color, var(--_fg-from-bg, #1b1b1f));
    --_bg: var(--id-contact-background, var(--_bg-from-fg, #fff));
    --_accent: var(--id-contact-accent, var(--_accent-from-partner, #0b57d0));
    --_on-accent: var(--id-contact-on-accent, var(--_on-accent-from-accent, #fff));
    --_border: var(--id-contact-border-color, #74777f);
    --_error: var(--id-contact-error-color, var(--_error-on-bg, #b3261e));
    --_ok: var(--id-contact-success-color, var(--_ok-on-bg, #146c2e));
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

/**
 * The look of `<id-contact-auth>`: the shared base (shared/styles.ts: the
 * `--id-contact-*` properties, light and dark, buttons, focus) and its own rules.
 */
import { css } from 'lit';
import { baseStyles } from '../shared/styles.js';

// The details (dl): label beside value where there is room, above it where
// there is not (a container query); values wrap between words, and split a
// word only when it cannot fit at all. Method icons sit on a light tile, so
// dark icons stay visible in dark mode.
export const styles = [
  baseStyles,
  css`
    [data-state='error'] .status,
    [data-state='failed'] .status,
    [data-state='expired'] .status {
      color: var(--_error);
    }
    [data-state='success'] .status,
    [data-state='signedIn'] .status {
      color: var(--_ok);
    }
    .primary {
      background: var(--_accent);
      border-color: var(--_accent);
      color: var(--_on-accent);
    }
    .primary:hover {
      background: color-mix(in srgb, var(--_accent) 85%, var(--_fg));
    }
    a {
      color: var(--_accent);
    }
    dl {
      container-type: inline-size;
      display: grid;
      grid-template-columns: fit-content(40%) minmax(0, 1fr);
      gap: 0.25em 1em;
      margin: 0;
      overflow-wrap: break-word;
    }
    @container (width<24em) {
      dt,
      dd {
        grid-column: 1/-1;
      }
      dd+dt {
        margin-top: 0.5em;
      }
    }
    [part~='method'] {
      display: flex;
      align-items: center;
      gap: 0.75em;
      width: 100%;
      text-align: start;
    }
    img {
      width: 2em;
      height: 2em;
      padding: 0.25em;
      object-fit: contain;
      background: #fff;
      border-radius: 4px;
    }
    dl + * {
      margin-top: 1em;
    }
    [part='contact'] {
      margin: 0.75em 0 0;
    }
  `,
];

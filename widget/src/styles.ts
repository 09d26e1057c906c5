/**
 * The look of `<id-contact-auth>`: the shared base (shared/styles.ts: the
 * `--id-contact-*` properties, light and dark, buttons, focus) and its own rules.
 */
import { css } from 'lit';
import { baseStyles } from './shared/styles.js';

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
      object-fit: contain;
    }
    dl + .actions {
      margin-top: 1em;
    }
  `,
];

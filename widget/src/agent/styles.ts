/**
 * The look of `<id-contact-agent>`: the shared base (shared/styles.ts: the
 * `--id-contact-*` properties, light and dark, buttons, focus) and its own
 * rules. Verified is the only thing drawn in the success colour, with a
 * solid badge, a check and a solid border; anything else has a dashed border
 * and an outlined badge.
 */
import { css } from 'lit';
import { baseStyles } from '../shared/styles.js';

export const agentStyles = [
  baseStyles,
  css`
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 0.25em 1em;
      margin: 0;
    }
    dd {
      overflow-wrap: anywhere;
    }
    h2 {
      font-size: 1.125em;
      margin: 0 0 0.5em;
    }
    .status:empty {
      margin: 0;
    }
    [data-state='reconnecting'] .status {
      font-weight: normal;
      font-size: 0.875em;
    }
    [data-state='denied'] .status {
      color: var(--_error);
    }
    li {
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
      padding: 0.75em;
    }
    li.verified {
      border: 2px solid var(--_ok);
    }
    li p {
      margin: 0 0 0.5em;
    }
    li p:last-child {
      margin: 0;
    }
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 0.35em;
      font-weight: 600;
      padding: 0.125em 0.625em;
      border: 1px solid;
      border-radius: 1em;
      margin-inline-end: 0.35em;
    }
    .verified .badge {
      background: var(--_ok);
      border-color: var(--_ok);
      color: var(--_bg);
    }
    [data-status='failed'] .badge,
    [data-status='expired'] .badge {
      color: var(--_error);
    }
    svg {
      width: 1.125em;
      height: 1.125em;
      fill: currentColor;
      flex: none;
    }
    .meta {
      font-size: 0.875em;
    }
    .actions,
    [part~='confirm'],
    [part~='error'] {
      margin-top: 0.75em;
    }
    [part~='confirm'] p {
      margin-bottom: 0.5em;
    }
    [part~='error'] {
      color: var(--_error);
    }
    .danger {
      background: var(--_error);
      border-color: var(--_error);
      color: var(--_bg);
    }
    [part~='subject'] {
      font-weight: 600;
    }
    a {
      color: var(--_accent);
    }
    .ask {
      margin-top: 0.75em;
    }
    select {
      font: inherit;
      color: var(--_fg);
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.5em;
      min-height: 2.75em;
      max-width: 100%;
    }
    [aria-disabled='true'] {
      cursor: not-allowed;
      border-style: dashed;
      background: transparent;
    }
    [part~='request'],
    [part~='request-error'] {
      margin: 0.5em 0 0;
    }
    [part~='request-error'] {
      color: var(--_error);
    }
    .danger:hover {
      background: color-mix(in srgb, var(--_error) 85%, var(--_fg));
    }
  `,
];

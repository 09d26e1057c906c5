/**
 * The system Chromium every browser suite uses (no tool downloads its own),
 * and the flags it needs here: root in a sandboxless container, no GPU, and
 * no background connections (the machine's closed network refuses them).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

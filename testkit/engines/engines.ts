/**
 * The three browser engines every browser suite runs in, as Debian installs
 * them (no tool downloads a browser): Chromium (desktop and Android Chrome),
 * Firefox ESR, and WebKitGTK's MiniBrowser (the engine of every iOS browser;
 * not Safari itself). `IDC_ENGINES=chromium,firefox` narrows a run.
 */
export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface Engine {
  name: EngineName;
  /** As reports name it. */
  label: string;
  /** The executable a test starts (for WebKit: its WebDriver). */
  binary: string;
  /** Debian packages that provide it and what it needs to run. */
  debianPackages: string[];
}

export const WEBKIT_MINIBROWSER = process.env.IDC_WEBKIT_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export const ENGINES: Record<EngineName, Engine> = {
  chromium: { name: 'chromium', label: 'Chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', debianPackages: ['chromium'] },
  firefox: { name: 'firefox', label: 'Firefox', binary: process.env.IDC_FIREFOX ?? '/usr/bin/firefox-esr', debianPackages: ['firefox-esr'] },
  webkit: {
    name: 'webkit',
    label: 'WebKit',
    binary: process.env.IDC_WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver',
    // WebKitGTK has no headless mode: it runs on a virtual display, with a
    // window manager so that popups take focus as they do on a desktop.
    debianPackages: ['webkit2gtk-driver', 'xvfb', 'openbox'],
  },
};

export const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];

/** The engines this run covers: all three unless IDC_ENGINES names some. */
export function selectedEngines(value = process.env.IDC_ENGINES): EngineName[] {
  if (!value) return ENGINE_NAMES;
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => !ENGINE_NAMES.includes(name as EngineName));
  if (unknown.length) throw new Error(`IDC_ENGINES: unknown engine ${unknown.join(', ')} (known: ${ENGINE_NAMES.join(', ')})`);
  return names as EngineName[];
}

/**
 * What the person's system asks of pages. Not every engine can change these
 * while it runs, so a browser is started with one set: the usual one, or
 * dark with reduced motion (files that depend on either run in both).
 */
export interface Preferences {
  colorScheme: 'light' | 'dark';
  reducedMotion: boolean;
}

export const PROFILES = {
  usual: { colorScheme: 'light', reducedMotion: false },
  dark: { colorScheme: 'dark', reducedMotion: true },
} as const satisfies Record<string, Preferences>;

export type ProfileName = keyof typeof PROFILES;

/** Chromium's flags here: root in a sandboxless container, no GPU, no background connections (the network is closed). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Firefox preferences for a test browser with these system preferences. */
export function firefoxPrefs(preferences: Preferences): Record<string, unknown> {
  return {
    'layout.css.prefers-color-scheme.content-override': preferences.colorScheme === 'dark' ? 0 : 1,
    'ui.prefersReducedMotion': preferences.reducedMotion ? 1 : 0,
    // Puppeteer turns the popup blocker off; the blocked-popup path is tested for real.
    'dom.disable_open_during_load': true,
    // No background connections: the network is closed.
    'app.update.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
  };
}

/**
 * The environment of a demo started as a process (`npm start`, demo/src/main.ts) for a test or a
 * measurement: every part on an ephemeral port, keys in a folder of the caller's, no colours.
 */
export function ephemeralDemoEnv(keysDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: '1',
    DEMO_CHAT_PORT: '0',
    DEMO_BACKEND_PORT: '0',
    DEMO_CORE_PORT: '0',
    DEMO_AUTH_PLUGIN_PORT: '0',
    DEMO_KEYS_DIR: keysDir,
    ...extra,
  };
}

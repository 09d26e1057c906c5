/**
 * `npm start`: runs the demo and says what runs where. Ctrl-C stops it all.
 *
 * Switches (flag or environment variable):
 *   --signed-start   DEMO_SIGNED_START=1   signed POST /start; the core refuses plain ones
 *   --no-attr-url    DEMO_USE_ATTR_URL=0   results come back as ?result= on the return page
 *   --login-session  DEMO_LOGIN_SESSION=1  the login keeps a session: Logout button, activity reports
 *   --log            DEMO_LOG=1            print the backend's request log
 * Ports: DEMO_CHAT_PORT, DEMO_BACKEND_PORT, DEMO_CORE_PORT, DEMO_AUTH_PLUGIN_PORT (0: any free port).
 * Keys: DEMO_KEYS_DIR, default demo/.keys.
 */
import { relative } from 'node:path';
import { consoleLogger, type Logger } from '../../server/src/observability/logger.ts';
import { DEFAULT_KEYS_DIR } from './demo-keys.ts';
import { DEFAULT_PORTS, PortInUseError, START_KID, startDemo, type DemoPart, type DemoPorts } from './start-demo.ts';

const PORT_VARIABLES: Record<DemoPart, string> = {
  chat: 'DEMO_CHAT_PORT',
  backend: 'DEMO_BACKEND_PORT',
  core: 'DEMO_CORE_PORT',
  authPlugin: 'DEMO_AUTH_PLUGIN_PORT',
};

const args = new Set(process.argv.slice(2));
const env = process.env;

function isOn(flag: string, variable: string, fallback: boolean): boolean {
  if (args.has(flag)) return !fallback;
  const value = env[variable]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value);
}

function portsFromEnv(): DemoPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const [part, variable] of Object.entries(PORT_VARIABLES) as Array<[DemoPart, string]>) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      console.error(`${variable}: "${value}" is not a port number`);
      process.exit(1);
    }
    ports[part] = port;
  }
  return ports;
}

/** Warnings and errors always; the per-request lines only when asked. */
function backendLogger(verbose: boolean): Logger {
  return verbose ? consoleLogger : { ...consoleLogger, info() {} };
}

const keysDir = env.DEMO_KEYS_DIR || DEFAULT_KEYS_DIR;
const signedStart = isOn('--signed-start', 'DEMO_SIGNED_START', false);
const useAttrUrl = isOn('--no-attr-url', 'DEMO_USE_ATTR_URL', true);
const loginSession = isOn('--login-session', 'DEMO_LOGIN_SESSION', false);
const started = performance.now();

let demo: Awaited<ReturnType<typeof startDemo>>;
try {
  demo = await startDemo({
    ports: portsFromEnv(),
    signedStart,
    useAttrUrl,
    loginSession,
    keysDir,
    logger: backendLogger(isOn('--log', 'DEMO_LOG', false)),
    // What the chat site's server got by webhook: type and conversation, never the details.
    onWebhook: ({ type, conversation }) => console.log(`webhook ${type} conversation ${conversation ?? '(none)'}`),
  });
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`Cannot start the demo: ${error.message}. Stop what uses it, or choose another with ${PORT_VARIABLES[error.part]}=<port>.`);
    process.exit(1);
  }
  throw error;
}

// Listening for Ctrl-C before saying it works: whoever reads the table may press it at once.
let stopping = false;
function stop(): void {
  if (stopping) process.exit(1); // a second Ctrl-C does not wait
  stopping = true;
  console.log('\nStopping the demo…');
  demo.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Could not stop cleanly:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const { urls } = demo;
const rows: Array<[string, string]> = [
  ['Chat page (Gemeente Voorbeeld)', urls.chat],
  ['Employee console (demo)', `${urls.agentConsole}  (or "Medewerkersscherm" in the chat)`],
  ['Backend (this project)', `${urls.backend}  (widget at ${urls.backend}/widget.js)`],
  ['ID Contact core (stand-in)', urls.core],
  ['Test auth plugin (stand-in)', urls.authPlugin],
  ['Start page (stand-in)', urls.startPage],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(
  [
    '',
    `ID Contact demo is running (up in ${Math.round(performance.now() - started)} ms)`,
    '',
    ...rows.map(([label, url]) => `  ${label.padEnd(width)}  ${url}`),
    '',
    `  Start at the core:  ${signedStart ? `signed (ES256, kid "${START_KID}"); plain starts are refused` : 'plain JSON (--signed-start to sign)'}`,
    `  Result delivery:    ${useAttrUrl ? 'POST to attr_url (--no-attr-url for ?result=)' : '?result= on the return page (no attr_url)'}`,
    `  Login session:      ${loginSession ? 'kept by the auth plugin (Logout button in the chat)' : 'none (--login-session for a Logout button)'}`,
    `  Keys:               ${relative(process.cwd(), keysDir) || keysDir} (reused next time; never commit them)`,
    '',
    `  Open ${urls.chat} to chat, and "Medewerkersscherm" there to see what the employee sees.`,
    `  Redirect instead of popup: ${urls.chat}/?mode=redirect`,
    '  Webhooks the chat site receives are printed below, one line each.',
    `  Or start at the municipality, where the core starts the chat after you log in: ${urls.startPage}`,
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

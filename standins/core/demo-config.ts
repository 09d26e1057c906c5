/**
 * The demo's core configuration: a Dutch municipality with a few purposes,
 * Yivi (tag `irma`) and DigiD both served by the one test auth plugin.
 */
import type { CoreConfig, RequestKeyConfig } from './config.ts';
import type { StartPageOptions } from './start-page.ts';

export interface DemoCoreConfigOptions {
  /** Base URL of the test auth plugin (serves both `irma` and `digid`). */
  authPluginUrl: string;
  /** Base URL of the communication plugin (our backend) for core-initiated sessions. */
  commPluginUrl: string;
  /** Keys for signed starts, by starter name. */
  authonlyRequestKeys?: Record<string, RequestKeyConfig>;
  /** HTTP Basic credentials our backend requires on `POST /start_communication`. */
  commPluginCredentials?: { user: string; password: string };
}

/** The purposes in plain Dutch: the core answers them, and the start page shows them. */
export const DEMO_PURPOSE_NAMES = {
  report_move: 'Verhuizing doorgeven',
  personal_question: 'Een persoonlijke vraag',
  request_permit: 'Vergunning aanvragen',
} as const;

export function createDemoCoreConfig(options: DemoCoreConfigOptions): CoreConfig {
  return {
    purposes: [
      { tag: 'report_move', name: DEMO_PURPOSE_NAMES.report_move, attributes: ['bsn', 'fullname', 'email'], allowed_auth: ['*'], allowed_comm: ['chat'] },
      { tag: 'personal_question', name: DEMO_PURPOSE_NAMES.personal_question, attributes: ['fullname', 'email'], allowed_auth: ['irma', 'digid'], allowed_comm: ['*'] },
      // Only DigiD is strong enough here, so `irma` is refused for this purpose.
      { tag: 'request_permit', name: DEMO_PURPOSE_NAMES.request_permit, attributes: ['bsn', 'fullname', 'address'], allowed_auth: ['digid'], allowed_comm: ['chat', 'call'] },
    ],
    auth_methods: [
      { tag: 'irma', name: 'Yivi', image_path: '/static/irma.svg', start: options.authPluginUrl },
      { tag: 'digid', name: 'DigiD', image_path: '/static/digid.svg', start: options.authPluginUrl },
    ],
    comm_methods: [
      { tag: 'chat', name: 'Chatten', image_path: '/static/chat.svg', start: options.commPluginUrl, credentials: options.commPluginCredentials },
      { tag: 'call', name: 'Bellen', image_path: '/static/phone.svg', start: options.commPluginUrl, credentials: options.commPluginCredentials },
    ],
    authonly_request_keys: options.authonlyRequestKeys ?? {},
  };
}

/**
 * The start page's words for the purposes above. `call` is shown but not
 * offered: our backend is a chat plugin, so a "call" would land in the chat.
 */
export const DEMO_START_PAGE: StartPageOptions = {
  purposeNames: DEMO_PURPOSE_NAMES,
  unavailableCommMethods: ['call'],
};

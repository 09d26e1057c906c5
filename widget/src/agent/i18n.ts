/**
 * The strings of `<id-contact-agent>` in Dutch and English, and readable
 * names for auth method tags. Pages override any of them, the attribute
 * labels (`labels`, shared with `<id-contact-auth>`) and the method names
 * (`methodNames`) through the element's `strings` property, per language.
 * Status strings are keyed by the wire's status (`logged_out`).
 */
import { localize, type Labels, type Lang, type Overrides } from '../shared/i18n.js';

const en = {
  heading: 'Resident in this conversation',
  noTicket: 'No access to a conversation yet.',
  connecting: 'Connecting…',
  reconnecting: 'The connection was lost. Reconnecting…',
  empty: 'Nobody has logged in in this conversation yet',
  ticketExpired: 'Your access has expired. Please reload the page.',
  invalidTicket: 'You have no access to this conversation. Please reload the page.',
  verified: 'Verified',
  notVerified: 'Not verified',
  waiting: 'waiting for the login',
  failed: 'the login failed',
  logged_out: 'logged out',
  expired: 'the login expired',
  forgotten: 'details forgotten',
  withdrawn: 'withdrawn: the login was completed in another browser',
  other_browser: 'the login was completed in another browser than the resident’s: the details were not passed on',
  unknown: 'unknown status',
  updated: 'updated {time}',
  attributes: 'Verified details',
  forget: 'Forget details',
  confirmForget: 'Forget all details of the residents in this conversation? This cannot be undone.',
  confirm: 'Yes, forget',
  cancel: 'Cancel',
  forgetting: 'Forgetting the details…',
  forgetFailed: 'The details could not be forgotten. Please try again.',
  announceVerified: 'Verified with {method}',
  announceStatus: 'Not verified: {status} ({method})',
};

export type AgentStrings = typeof en;

const nl: AgentStrings = {
  heading: 'Inwoner in dit gesprek',
  noTicket: 'Nog geen toegang tot een gesprek.',
  connecting: 'Verbinden…',
  reconnecting: 'De verbinding is verbroken. Opnieuw verbinden…',
  empty: 'Nog niemand ingelogd in dit gesprek',
  ticketExpired: 'Uw toegang is verlopen. Vernieuw de pagina.',
  invalidTicket: 'U heeft geen toegang tot dit gesprek. Vernieuw de pagina.',
  verified: 'Geverifieerd',
  notVerified: 'Niet geverifieerd',
  waiting: 'wacht op inloggen',
  failed: 'inloggen is mislukt',
  logged_out: 'uitgelogd',
  expired: 'inloggen is verlopen',
  forgotten: 'gegevens gewist',
  withdrawn: 'ingetrokken: het inloggen is in een andere browser afgerond',
  other_browser: 'het inloggen is afgerond in een andere browser dan die van de inwoner: de gegevens zijn niet doorgegeven',
  unknown: 'onbekende status',
  updated: 'bijgewerkt {time}',
  attributes: 'Geverifieerde gegevens',
  forget: 'Gegevens wissen',
  confirmForget: 'Alle gegevens van de inwoners in dit gesprek wissen? Dit kunt u niet ongedaan maken.',
  confirm: 'Ja, wissen',
  cancel: 'Annuleren',
  forgetting: 'De gegevens worden gewist…',
  forgetFailed: 'Het wissen is niet gelukt. Probeer het opnieuw.',
  announceVerified: 'Geverifieerd met {method}',
  announceStatus: 'Niet geverifieerd: {status} ({method})',
};

export const AGENT_STRINGS: Record<Lang, AgentStrings> = { nl, en };

/** Brand names, the same in both languages; other tags are shown as they are. */
export const METHOD_NAMES: Labels = {
  irma: 'Yivi',
  yivi: 'Yivi',
  digid: 'DigiD',
  eherkenning: 'eHerkenning',
  eidas: 'eIDAS',
  idin: 'iDIN',
};

/** What a page may override, per language: strings, `labels` and `methodNames`. */
export type AgentStringOverrides = Partial<Record<Lang, Overrides<AgentStrings>[Lang] & { methodNames?: Labels }>>;

export function agentStringsFor(
  lang: Lang,
  overrides?: AgentStringOverrides,
): { text: AgentStrings; labels: Labels; methods: Labels } {
  const { methodNames, ...rest } = overrides?.[lang] ?? {};
  return { ...localize(AGENT_STRINGS, lang, { [lang]: rest }), methods: { ...METHOD_NAMES, ...methodNames } };
}

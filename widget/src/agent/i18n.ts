/**
 * The strings of `<id-contact-agent>` in Dutch and English, and readable
 * names for auth method tags. Pages override any of them, the attribute
 * labels (`labels`, shared with `<id-contact-auth>`) and the method names
 * (`methodNames`) through the element's `strings` property, per language.
 * Status strings are keyed by the wire's status (`logged_out`). Purposes get
 * their words from the core (`purpose_name`) or the page's `purposes`.
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
  subject: 'Subject: {purpose}',
  caseLink: 'open the case in a new tab',
  askPurpose: 'Subject',
  askToVerify: 'Ask to log in',
  requestPending: 'Asked to log in for: {purpose}. Waiting for the resident (until {time}).',
  requestStarted: 'The resident has started logging in for: {purpose}.',
  requestDeclined: 'The resident does not want to log in now.',
  requestExpired: 'The request to log in has expired.',
  request_pending: 'A request to log in is already open.',
  unknown_purpose: 'Logging in is not possible for this subject.',
  rate_limited: 'Too many requests. Please try again in a minute.',
  askFailed: 'The request could not be sent. Please try again.',
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
  subject: 'Onderwerp: {purpose}',
  caseLink: 'open het dossier in een nieuw tabblad',
  askPurpose: 'Onderwerp',
  askToVerify: 'Vraag om inloggen',
  requestPending: 'Gevraagd om in te loggen voor: {purpose}. Wacht op de inwoner (tot {time}).',
  requestStarted: 'De inwoner is begonnen met inloggen voor: {purpose}.',
  requestDeclined: 'De inwoner wil nu niet inloggen.',
  requestExpired: 'Het verzoek om in te loggen is verlopen.',
  request_pending: 'Er staat al een verzoek om in te loggen open.',
  unknown_purpose: 'Voor dit onderwerp kan niet worden ingelogd.',
  rate_limited: 'Te veel verzoeken. Probeer het over een minuut opnieuw.',
  askFailed: 'Het verzoek kon niet worden verstuurd. Probeer het opnieuw.',
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

/** The page's words for purposes: tag → text for both languages, or per language. */
export type PurposeLabels = Record<string, string | Partial<Record<Lang, string>>>;

/** A purpose in plain words: the core's name, else the page's label in `lang` (else its other one), else the tag. */
export function purposeLabel(purpose: string, lang: Lang, labels?: PurposeLabels, coreName?: string): string {
  if (coreName) return coreName;
  const label = labels && Object.hasOwn(labels, purpose) ? labels[purpose] : undefined;
  if (typeof label === 'string') return label || purpose;
  return label?.[lang] || label?.[lang === 'nl' ? 'en' : 'nl'] || purpose;
}

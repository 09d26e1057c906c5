/**
 * The strings of `<id-contact-auth>` in Dutch and English. Pages override any
 * of them, and the attribute labels, through the element's `strings`
 * property; `{method}` in a string is replaced by the method name. Attribute
 * labels and language handling are shared with `<id-contact-agent>`
 * (shared/i18n.ts).
 */
import { localize, type Labels, type Lang, type Overrides } from './shared/i18n.js';

export { format, labelFor, langOf, LABELS, normalizeLang, type Labels, type Lang } from './shared/i18n.js';

const en = {
  loading: 'Loading login methods…',
  choose: 'Choose how you want to log in.',
  methods: 'Login methods',
  empty: 'No login methods are available here.',
  starting: 'Starting the login with {method}…',
  blocked: 'Your browser blocked the login window.',
  openTab: 'Open the login page in a new tab',
  continueHere: 'Continue in this window',
  redirecting: 'Taking you to the login page…',
  waiting: 'Complete the login in the other window.',
  returned: 'Fetching the result of your login…',
  reconnecting: 'The connection was lost. Reconnecting…',
  reopen: 'Reopen the login window',
  cancel: 'Cancel',
  success: 'Your identity is verified.',
  attributes: 'Verified details',
  failed: 'The login did not succeed.',
  expired: 'The login session has expired.',
  retry: 'Try again',
  startOver: 'Start over',
  errorNetwork: 'The login service cannot be reached.',
  errorPurpose: 'The login service does not know this subject.',
  errorStream: 'The connection to the login service was lost.',
  error: 'Something went wrong at the login service.',
  attaching: 'Fetching your login…',
  linkUsed: 'This link has already been used or has expired.',
  errorResult: 'Your login result could not be verified.',
  login: 'Log in again',
  logout: 'Log out',
  loggedOut: 'You are logged out.',
  restoring: 'Checking your login…',
  signedIn: 'You are logged in.',
};

export type Strings = typeof en;

/** What a page may override, per language. */
export type StringOverrides = Overrides<Strings>;

const nl: Strings = {
  loading: 'Inlogmethoden laden…',
  choose: 'Kies hoe u wilt inloggen.',
  methods: 'Inlogmethoden',
  empty: 'Er zijn hier geen inlogmethoden beschikbaar.',
  starting: 'Inloggen met {method} wordt gestart…',
  blocked: 'Uw browser heeft het inlogvenster geblokkeerd.',
  openTab: 'Open de inlogpagina in een nieuw tabblad',
  continueHere: 'Verder in dit venster',
  redirecting: 'U gaat naar de inlogpagina…',
  waiting: 'Rond het inloggen af in het andere venster.',
  returned: 'Het resultaat van uw inlog wordt opgehaald…',
  reconnecting: 'De verbinding is verbroken. Opnieuw verbinden…',
  reopen: 'Inlogvenster opnieuw openen',
  cancel: 'Annuleren',
  success: 'Uw identiteit is geverifieerd.',
  attributes: 'Geverifieerde gegevens',
  failed: 'Inloggen is niet gelukt.',
  expired: 'De inlogsessie is verlopen.',
  retry: 'Opnieuw proberen',
  startOver: 'Opnieuw beginnen',
  errorNetwork: 'De inlogdienst is niet bereikbaar.',
  errorPurpose: 'De inlogdienst kent dit onderwerp niet.',
  errorStream: 'De verbinding met de inlogdienst is verbroken.',
  error: 'Er ging iets mis bij de inlogdienst.',
  attaching: 'Uw inlog wordt opgehaald…',
  linkUsed: 'Deze link is al gebruikt of is verlopen.',
  errorResult: 'Het resultaat van uw inlog kon niet worden gecontroleerd.',
  login: 'Opnieuw inloggen',
  logout: 'Uitloggen',
  loggedOut: 'U bent uitgelogd.',
  restoring: 'Uw inlog wordt gecontroleerd…',
  signedIn: 'U bent ingelogd.',
};

export const STRINGS: Record<Lang, Strings> = { nl, en };

/** The strings and labels for `lang`, with a page's overrides applied. */
export function stringsFor(lang: Lang, overrides?: StringOverrides): { text: Strings; labels: Labels } {
  return localize(STRINGS, lang, overrides);
}

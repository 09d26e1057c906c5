/**
 * The strings of `<id-contact-auth>` in Dutch and English. Pages override any
 * of them, and the attribute labels, through the element's `strings`
 * property; `{method}` in a string is replaced by the method name. Attribute
 * labels and language handling are shared with `<id-contact-agent>`
 * (shared/i18n.ts).
 */
import { localize, type Labels, type Lang, type Overrides } from '../shared/i18n.js';

export { format, labelFor, langOf, LABELS, normalizeLang, type Labels, type Lang } from '../shared/i18n.js';

const en = {
  loading: 'Loading the ways to log in…',
  intro: 'After you log in, the municipality’s employee sees the details needed for your question.',
  choose: 'Choose how you want to log in.',
  methods: 'Ways to log in',
  empty: 'You cannot log in here right now.',
  starting: 'Starting the login with {method}…',
  blocked: 'Your browser blocked the login window.',
  openTab: 'Open the login page in a new tab',
  continueHere: 'Continue in this window',
  redirecting: 'Taking you to the login page…',
  waiting: 'Complete the login in the other window.',
  returned: 'Checking whether you are logged in…',
  reconnecting: 'The connection was lost. Reconnecting…',
  reopen: 'Open the login window again',
  closed: 'The login window was closed before you logged in.',
  cancel: 'Cancel',
  success: 'You are logged in.',
  shared: 'The employee can now see these details.',
  attributes: 'Your verified details',
  failed: 'The login did not succeed. Try again, or choose another way to log in.',
  otherBrowser: 'You finished logging in in another browser, so your details were not passed on. Please start again here.',
  expired: 'The login took too long. Please try again.',
  retry: 'Try again',
  otherMethod: 'Choose another way',
  errorNetwork: 'The login service cannot be reached. Please try again later.',
  errorPurpose: 'You cannot log in here right now.',
  errorStream: 'The connection to the login service was lost. Please try again.',
  error: 'Something went wrong with the login. Please try again later.',
  contact: 'Still not working? Please contact the municipality.',
  attaching: 'Checking whether you are logged in…',
  linkUsed: 'This link has already been used or has expired. Please log in again.',
  errorResult: 'We could not check your login. Please log in again.',
  login: 'Log in again',
  logout: 'Log out',
  loggedOut: 'You are logged out.',
  restoring: 'Checking whether you are still logged in…',
  signedIn: 'You are logged in.',
  requested: 'The employee asks you to confirm who you are',
  subject: 'Subject',
  decline: 'Not now',
};

export type Strings = typeof en;

/** What a page may override, per language. */
export type StringOverrides = Overrides<Strings>;

const nl: Strings = {
  loading: 'De manieren om in te loggen worden geladen…',
  intro: 'Na het inloggen ziet de medewerker van de gemeente de gegevens die nodig zijn voor uw vraag.',
  choose: 'Kies hoe u wilt inloggen.',
  methods: 'Manieren om in te loggen',
  empty: 'U kunt hier nu niet inloggen.',
  starting: 'Inloggen met {method} wordt gestart…',
  blocked: 'Uw browser heeft het inlogvenster geblokkeerd.',
  openTab: 'Open de inlogpagina in een nieuw tabblad',
  continueHere: 'Verder in dit venster',
  redirecting: 'U gaat naar de inlogpagina…',
  waiting: 'Rond het inloggen af in het andere venster.',
  returned: 'We kijken of u bent ingelogd…',
  reconnecting: 'De verbinding is verbroken. Opnieuw verbinden…',
  reopen: 'Inlogvenster opnieuw openen',
  closed: 'Het inlogvenster is gesloten. U bent niet ingelogd.',
  cancel: 'Annuleren',
  success: 'U bent ingelogd.',
  shared: 'De medewerker ziet nu deze gegevens.',
  attributes: 'Uw gecontroleerde gegevens',
  failed: 'Inloggen is niet gelukt. Probeer het opnieuw, of kies een andere manier om in te loggen.',
  otherBrowser: 'U bent in een andere browser ingelogd, dus uw gegevens zijn niet doorgegeven. Begin hier opnieuw.',
  expired: 'Het inloggen duurde te lang. Probeer het opnieuw.',
  retry: 'Opnieuw proberen',
  otherMethod: 'Andere manier kiezen',
  errorNetwork: 'De inlogdienst is niet bereikbaar. Probeer het later opnieuw.',
  errorPurpose: 'U kunt hier nu niet inloggen.',
  errorStream: 'De verbinding met de inlogdienst is verbroken. Probeer het opnieuw.',
  error: 'Er ging iets mis bij het inloggen. Probeer het later opnieuw.',
  contact: 'Lukt het niet? Neem dan contact op met de gemeente.',
  attaching: 'We kijken of u bent ingelogd…',
  linkUsed: 'Deze link is al gebruikt of is verlopen. Log opnieuw in.',
  errorResult: 'We konden niet controleren of u bent ingelogd. Log opnieuw in.',
  login: 'Opnieuw inloggen',
  logout: 'Uitloggen',
  loggedOut: 'U bent uitgelogd.',
  restoring: 'We kijken of u nog bent ingelogd…',
  signedIn: 'U bent ingelogd.',
  requested: 'De medewerker vraagt u te bevestigen wie u bent',
  subject: 'Onderwerp',
  decline: 'Nu niet',
};

export const STRINGS: Record<Lang, Strings> = { nl, en };

/** The strings and labels for `lang`, with a page's overrides applied. */
export function stringsFor(lang: Lang, overrides?: StringOverrides): { text: Strings; labels: Labels } {
  return localize(STRINGS, lang, overrides);
}

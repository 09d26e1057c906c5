/**
 * The widget's strings in Dutch and English, and readable labels for
 * attribute tags. Pages override any of them through the element's
 * `strings` property; `{method}` in a string is replaced by the method name.
 */

export type Lang = 'nl' | 'en';

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
export type Labels = Record<string, string>;

/** What a page may override, per language. */
export type StringOverrides = Partial<Record<Lang, Partial<Strings> & { labels?: Labels }>>;

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

// [tag, Dutch, English]
const KNOWN: [string, string, string][] = [
  ['email', 'E-mailadres', 'Email address'],
  ['fullname', 'Volledige naam', 'Full name'],
  ['name', 'Naam', 'Name'],
  ['firstnames', 'Voornamen', 'First names'],
  ['initials', 'Voorletters', 'Initials'],
  ['lastname', 'Achternaam', 'Last name'],
  ['surname', 'Achternaam', 'Surname'],
  ['bsn', 'BSN', 'Citizen service number (BSN)'],
  ['birthdate', 'Geboortedatum', 'Date of birth'],
  ['dateofbirth', 'Geboortedatum', 'Date of birth'],
  ['age', 'Leeftijd', 'Age'],
  ['over18', 'Ouder dan 18', 'Over 18'],
  ['gender', 'Geslacht', 'Gender'],
  ['nationality', 'Nationaliteit', 'Nationality'],
  ['address', 'Adres', 'Address'],
  ['street', 'Straat', 'Street'],
  ['housenumber', 'Huisnummer', 'House number'],
  ['house_number', 'Huisnummer', 'House number'],
  ['postalcode', 'Postcode', 'Postal code'],
  ['postal_code', 'Postcode', 'Postal code'],
  ['zipcode', 'Postcode', 'Postal code'],
  ['city', 'Woonplaats', 'City'],
  ['municipality', 'Gemeente', 'Municipality'],
  ['country', 'Land', 'Country'],
  ['phone', 'Telefoonnummer', 'Phone number'],
  ['mobilenumber', 'Mobiel nummer', 'Mobile number'],
];

export const LABELS: Record<Lang, Labels> = {
  nl: Object.fromEntries(KNOWN.map(([tag, label]) => [tag, label])),
  en: Object.fromEntries(KNOWN.map(([tag, , label]) => [tag, label])),
};

/** The strings and labels for `lang`, with a page's overrides applied. */
export function stringsFor(lang: Lang, overrides?: StringOverrides): { text: Strings; labels: Labels } {
  const { labels, ...text } = overrides?.[lang] ?? {};
  return { text: { ...STRINGS[lang], ...text }, labels: { ...LABELS[lang], ...labels } };
}

/** Label for an attribute tag: known (or overridden) label, else the raw tag. */
export function labelFor(labels: Labels, tag: string): string {
  return Object.hasOwn(labels, tag) ? labels[tag]! : tag;
}

export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => (Object.hasOwn(values, key) ? values[key]! : all));
}

/** `en` for any English tag (en, en-GB); Dutch for everything else. */
export function normalizeLang(tag: string | null | undefined): Lang {
  return /^en\b/i.test(tag ?? '') ? 'en' : 'nl';
}

/**
 * The language in force for `el`: its own `lang`, else the nearest
 * ancestor's, looking through shadow roots up to the document element.
 */
export function langOf(el: Element): Lang {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang')) return normalizeLang(node.getAttribute('lang'));
    node = node.parentNode ?? (node as ShadowRoot).host ?? null;
  }
  return 'nl';
}

/**
 * What both elements share about language: Dutch or English, which one is in
 * force for an element, readable labels for attribute tags, and how a page's
 * `strings` overrides apply. Each element keeps its own string table (so one
 * element's bundle never carries the other's texts) and looks it up here.
 */

export type Lang = 'nl' | 'en';
export type Labels = Record<string, string>;

/**
 * What a page may override, per language: any of the element's strings, and
 * attribute labels under `labels`.
 */
export type Overrides<S> = Partial<Record<Lang, Partial<S> & { labels?: Labels }>>;

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

/** Attribute labels, the same in both elements. */
export const LABELS: Record<Lang, Labels> = {
  nl: Object.fromEntries(KNOWN.map(([tag, label]) => [tag, label])),
  en: Object.fromEntries(KNOWN.map(([tag, , label]) => [tag, label])),
};

/** An element's strings and the attribute labels for `lang`, with a page's overrides applied. */
export function localize<S extends object>(
  table: Record<Lang, S>,
  lang: Lang,
  overrides?: Overrides<S>,
): { text: S; labels: Labels } {
  const { labels, ...text } = overrides?.[lang] ?? {};
  return { text: { ...table[lang], ...text }, labels: { ...LABELS[lang], ...labels } };
}

/** Label for a tag: known (or overridden) label, else the raw tag. */
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
 * The nearest `lang` attribute's value for `el`: its own, else an
 * ancestor's, looking through shadow roots up to the document element.
 */
export function langTagOf(el: Element): string | null {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang')) return node.getAttribute('lang');
    node = node.parentNode ?? (node as ShadowRoot).host ?? null;
  }
  return null;
}

/** The language in force for `el` (see langTagOf); Dutch when none is set. */
export function langOf(el: Element): Lang {
  return normalizeLang(langTagOf(el));
}

/**
 * Method icons the core serves under `/static/`, as `image_path` points to.
 * Simple generic pictograms, not the real brand logos.
 */
function icon(title: string, background: string, drawing: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="${title}">
  <title>${title}</title>
  <rect width="64" height="64" rx="14" fill="${background}"/>
  ${drawing}
</svg>
`;
}

const stroke = 'fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"';

export const CORE_ICONS: Readonly<Record<string, string>> = {
  // A phone with a check mark: log in with an app.
  'irma.svg': icon(
    'Yivi',
    '#c4194a',
    `<rect x="20" y="10" width="24" height="44" rx="4" ${stroke}/>
  <path d="M26 33l5 5 8-10" ${stroke}/>
  <path d="M29 48h6" ${stroke}/>`,
  ),
  // A padlock: log in with a government account.
  'digid.svg': icon(
    'DigiD',
    '#1b1b1b',
    `<rect x="17" y="29" width="30" height="23" rx="4" ${stroke}/>
  <path d="M23 29v-6a9 9 0 0 1 18 0v6" ${stroke}/>
  <path d="M32 38v6" ${stroke}/>`,
  ),
  'chat.svg': icon(
    'Chat',
    '#154273',
    `<path d="M14 18h36a4 4 0 0 1 4 4v18a4 4 0 0 1-4 4H30l-10 8v-8h-6a4 4 0 0 1-4-4V22a4 4 0 0 1 4-4z" ${stroke}/>
  <path d="M22 30h20M22 36h12" ${stroke}/>`,
  ),
  'phone.svg': icon(
    'Call',
    '#2e7d32',
    `<path d="M22 14l6 10-4 4a24 24 0 0 0 12 12l4-4 10 6-3 7c-16 2-33-15-32-32z" ${stroke}/>`,
  ),
  'video.svg': icon(
    'Video',
    '#5b3c88',
    `<rect x="12" y="20" width="28" height="24" rx="4" ${stroke}/>
  <path d="M40 29l12-7v20l-12-7z" ${stroke}/>`,
  ),
};

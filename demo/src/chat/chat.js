// The chat page of Gemeente Voorbeeld: a conversation with a (scripted)
// agent who asks the resident to log in with <id-contact-auth>, and shows the
// verified details once the widget reports them.
//
// Plain JavaScript without a build step, as a municipality's web team would
// add it to their site. Every text that comes from outside (typed messages,
// verified attributes) goes into the page as text, never as HTML.

const STORAGE_KEY = 'gemeente-voorbeeld-chat';
const AGENT = { name: 'Fatima Bakker', initials: 'FB' };
/** How long the agent "types" before a reply shows; purely cosmetic. */
const TYPING_MS = 900;

const LABELS = {
  fullname: 'Naam',
  bsn: 'BSN',
  email: 'E-mailadres',
  phone: 'Telefoonnummer',
  address: 'Adres',
  birthdate: 'Geboortedatum',
};
/** Details in this order first; anything else after, as it came. */
const DETAIL_ORDER = ['fullname', 'bsn', 'birthdate', 'address', 'email', 'phone'];

const SAY = {
  greeting: 'Goedendag, u chat met Fatima van Gemeente Voorbeeld. Waarmee kan ik u helpen?',
  question: 'Ik ben vorige maand binnen de gemeente verhuisd. Is mijn verhuizing al verwerkt?',
  askLogin:
    'Dat zoek ik graag voor u uit. Daarvoor moet ik in uw persoonsgegevens kijken, en dat mag alleen als ik zeker weet met wie ik spreek. Wilt u zich hieronder even identificeren?',
  verified: (name) =>
    `Dank u wel${name ? `, ${name}` : ''}. Ik zie uw verhuizing in ons systeem: de melding is op 3 maart ontvangen en uw nieuwe adres staat sinds 10 maart in de Basisregistratie Personen. U hoeft verder niets te doen.`,
  anythingElse: 'Kan ik u nog ergens anders mee helpen?',
  failed:
    'Het inloggen is helaas niet gelukt. U kunt het opnieuw proberen met de knop hierboven, eventueel met een andere inlogmethode.',
  error: 'Er ging iets mis bij het inloggen. Probeert u het over een paar minuten opnieuw, of bel ons op 14 000.',
  beforeLogin:
    'Dank u voor uw bericht. Om uw vraag over uw verhuizing te beantwoorden, moet ik eerst weten wie u bent. Wilt u inloggen met een van de methoden hierboven?',
  afterLogin:
    'Dank u voor uw bericht. Dit is een demonstratie, dus hier eindigt het gesprek. Met "Nieuw gesprek" begint u opnieuw.',
  loggedIn: 'U heeft zich geïdentificeerd.',
  loggedOut: 'U bent uitgelogd. Ik zie uw gegevens niet meer; wilt u verder, dan kunt u opnieuw inloggen.',
};

const conversationEl = document.getElementById('conversation');
const messagesEl = document.getElementById('messages');
const typingEl = document.getElementById('typing');
const composer = document.getElementById('composer');
const input = document.getElementById('message');
const loginTemplate = document.getElementById('login-request');
const agentLink = document.getElementById('agent-link');
/**
 * `?mode=redirect` or `?mode=popup` forces one of the widget's modes; without it the widget's
 * default, `auto`, chooses (redirect on phones, a popup elsewhere).
 */
const askedMode = new URLSearchParams(location.search).get('mode');
const widgetMode = askedMode === 'redirect' || askedMode === 'popup' ? askedMode : 'auto';
const timeFormat = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit' });

/**
 * The conversation as data, kept in sessionStorage: in redirect mode the
 * page reloads on the way back from the login, and the chat must still be there.
 * Messages: { from: 'agent'|'user', text } | { from: 'agent', kind: 'login', done? }
 * | { from: 'system', kind: 'verified', loggedOut? }, each with `id` and `at`.
 * What a message holds about the verified resident (the details, the agent's
 * thanks by name) is in its `personal` part, which stays in this page's memory
 * and is never stored: after a reload the chat shows that the resident was
 * verified, not who they are.
 */
let chat = load() ?? newConversation();
let pendingReplies = 0;

function newConversation() {
  const at = new Date().toISOString();
  let id = 0;
  return {
    nextId: 4,
    messages: [
      { id: ++id, at, from: 'agent', text: SAY.greeting },
      { id: ++id, at, from: 'user', text: SAY.question },
      { id: ++id, at, from: 'agent', text: SAY.askLogin },
      { id: ++id, at, from: 'agent', kind: 'login' },
    ],
  };
}

function load() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    return stored && Array.isArray(stored.messages) ? stored : null;
  } catch {
    return null;
  }
}

/** The conversation without any message's `personal` part. */
function withoutPersonalData(key, value) {
  return key === 'personal' ? undefined : value;
}

function save() {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(chat, withoutPersonalData));
  } catch {
    // Without storage the chat still works; only a reload forgets it.
  }
}

function add(message) {
  const full = { id: ++chat.nextId, at: new Date().toISOString(), ...message };
  chat.messages.push(full);
  save();
  return full;
}

// Rendering -----------------------------------------------------------------

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function renderMessage(message) {
  const item = element('li', `message message--${message.from}`);
  item.dataset.messageId = String(message.id);
  if (message.kind) item.dataset.kind = message.kind;

  if (message.from === 'agent') item.append(element('span', 'message__avatar', AGENT.initials));
  const bubble = element('div', 'message__bubble');
  const who = message.from === 'agent' ? AGENT.name : message.from === 'user' ? 'U' : 'Gemeente Voorbeeld';
  const meta = element('p', 'message__meta');
  meta.append(element('span', 'message__who', who), element('time', 'message__time', timeFormat.format(new Date(message.at))));
  meta.lastChild.dateTime = message.at;
  bubble.append(meta);

  // A finished login stays a line in the history; the widget itself does not survive a reload.
  if (message.kind === 'login' && !message.done) bubble.append(loginWidget());
  else if (message.kind === 'login') bubble.append(element('p', 'message__text', SAY.loggedIn));
  else if (message.kind === 'verified') bubble.append(...verifiedCard(message));
  else bubble.append(element('p', 'message__text', message.personal?.text ?? message.text));

  item.append(bubble);
  return item;
}

/**
 * The site's server put a guest ticket for this conversation in the page: the
 * login is bound to the conversation, so the employee sees it. Without one
 * (a site without the employee's side) the widget works unbound.
 */
function useConversation(ticket, agentUrl) {
  const template = loginTemplate.content.firstElementChild;
  if (ticket) template.setAttribute('ticket', ticket);
  else template.removeAttribute('ticket');
  agentLink.hidden = !agentUrl;
  if (agentUrl) agentLink.setAttribute('href', agentUrl);
  else agentLink.removeAttribute('href');
}
useConversation(loginTemplate.content.firstElementChild.getAttribute('ticket'), agentLink.getAttribute('href'));

function loginWidget() {
  const widget = loginTemplate.content.firstElementChild.cloneNode(true);
  widget.setAttribute('mode', widgetMode);
  widget.setAttribute('theme', 'light');
  // Shown only until the widget's script has loaded and defined the element.
  widget.append(element('span', 'widget-fallback', 'Inloggen wordt geladen…'));
  return widget;
}

function verifiedCard({ personal, loggedOut }) {
  if (loggedOut) {
    return [
      element('p', 'verified__title verified__title--ended', 'Uitgelogd'),
      element('p', 'verified__note', 'Uw gegevens zijn niet meer zichtbaar voor de medewerker.'),
    ];
  }
  const title = element('p', 'verified__title', 'Identiteit geverifieerd');
  // After a reload: the details were never stored, so only the fact of the verification is left.
  if (!personal?.details) {
    return [
      title,
      element(
        'p',
        'verified__note',
        'Uw gegevens zijn via ID Contact met de medewerker gedeeld. Deze pagina bewaart uw gegevens niet, daarom ziet u ze hier niet meer.',
      ),
    ];
  }
  const { details } = personal;
  const list = element('dl', 'verified__details');
  for (const [label, value] of details) list.append(element('dt', '', label), element('dd', '', value));
  const note = element('p', 'verified__note', 'Deze gegevens zijn via ID Contact met de medewerker gedeeld.');
  return [title, list, note];
}

function render() {
  messagesEl.replaceChildren(...chat.messages.map(renderMessage));
  scrollToEnd();
}

function append(message) {
  messagesEl.append(renderMessage(message));
  scrollToEnd();
}

function scrollToEnd() {
  conversationEl.scrollTop = conversationEl.scrollHeight;
}

// The agent -------------------------------------------------------------------

/**
 * Stores the reply at once (a reload must not lose it) and shows it after a
 * short "typing". `personalText`, when given, is what shows now; `text` is
 * what is stored, and shows after a reload.
 */
function agentSays(text, personalText) {
  const message = add({ from: 'agent', text, ...(personalText ? { personal: { text: personalText } } : {}) });
  pendingReplies++;
  typingEl.hidden = false;
  setTimeout(() => {
    pendingReplies--;
    typingEl.hidden = pendingReplies === 0;
    // A reload in between already rendered it from storage; "Nieuw gesprek" dropped it.
    if (chat.messages.includes(message) && !messagesEl.querySelector(`[data-message-id="${message.id}"]`)) append(message);
  }, TYPING_MS);
}

function detailsFrom(attributes) {
  const tags = Object.keys(attributes);
  const ordered = [...DETAIL_ORDER.filter((tag) => tags.includes(tag)), ...tags.filter((tag) => !DETAIL_ORDER.includes(tag))];
  return ordered.map((tag) => [LABELS[tag] ?? tag, String(attributes[tag])]);
}

function loginMessageOf(widget) {
  const item = widget.closest('[data-message-id]');
  return chat.messages.find((message) => String(message.id) === item?.dataset.messageId);
}

/**
 * The name the employee's side received for this conversation, from the
 * site's server, which asked the backend. Not the widget's event: the
 * resident's own page could change that.
 */
async function verifiedNameFromAgentSide() {
  if (agentLink.hidden) return '';
  try {
    const response = await fetch('/conversation/verified-name', { headers: { Accept: 'application/json' } });
    const { name } = await response.json();
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

async function onAuthenticated(event) {
  const { attributes } = event.detail;
  // The widget stays (it shows the outcome, and a Logout button when the login
  // has a session); the resident sees their own details in the conversation.
  const login = loginMessageOf(event.target);
  if (login) login.done = true;
  append(add({ from: 'system', kind: 'verified', personal: { details: detailsFrom(attributes) } }));
  pendingReplies++;
  typingEl.hidden = false;
  const conversation = chat;
  const name = await verifiedNameFromAgentSide();
  pendingReplies--;
  typingEl.hidden = pendingReplies === 0;
  if (chat !== conversation) return; // "Nieuw gesprek" meanwhile
  agentSays(SAY.verified(''), name && SAY.verified(name));
  agentSays(SAY.anythingElse);
}

/** After Logout the agent no longer sees the details: they leave the page and its storage too. */
function onLoggedOut() {
  for (const message of chat.messages) {
    const verified = message.kind === 'verified' && !message.loggedOut;
    if (!verified && !message.personal) continue;
    // The agent's thanks by name goes too: it stays, as stored, without the name.
    delete message.personal;
    if (verified) message.loggedOut = true;
    messagesEl.querySelector(`[data-message-id="${message.id}"]`)?.replaceWith(renderMessage(message));
  }
  save();
  agentSays(SAY.loggedOut);
}

function sayOnce(text) {
  const last = chat.messages.at(-1);
  if (last?.text !== text) agentSays(text);
}

// The widget grows as it goes (methods, then a waiting state): keep it in view
// when it is the newest message.
conversationEl.addEventListener('id-contact-state', (event) => {
  // Mirrored on the element so the page's stylesheet can follow the state.
  event.target.dataset.state = event.detail.state;
  const item = event.target.closest('[data-message-id]');
  if (item && item === messagesEl.lastElementChild) requestAnimationFrame(scrollToEnd);
});
conversationEl.addEventListener('id-contact-authenticated', onAuthenticated);
conversationEl.addEventListener('id-contact-logout', onLoggedOut);
conversationEl.addEventListener('id-contact-failed', () => sayOnce(SAY.failed));
conversationEl.addEventListener('id-contact-error', () => sayOnce(SAY.error));

// The resident ------------------------------------------------------------------

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  append(add({ from: 'user', text }));
  // Keeps a login session at the auth plugin alive while the resident is active.
  for (const widget of document.querySelectorAll('id-contact-auth')) widget.reportActivity?.();
  input.value = '';
  resizeInput();
  const verified = chat.messages.some((message) => message.kind === 'verified');
  agentSays(verified ? SAY.afterLogin : SAY.beforeLogin);
});

// Enter sends, Shift+Enter makes a new line, as in every chat.
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

function resizeInput() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}
input.addEventListener('input', resizeInput);

document.getElementById('restart').addEventListener('click', async () => {
  if (!agentLink.hidden) {
    // A new conversation at the site's server too: logins from here on are bound to it.
    try {
      const response = await fetch('/conversation', { method: 'POST' });
      if (response.ok) {
        const { ticket, agent_url: agentUrl } = await response.json();
        useConversation(ticket, agentUrl);
      }
    } catch {
      // The old conversation's ticket still works; the chat goes on.
    }
  }
  // Also forgets a login the widget was waiting for: a new conversation starts clean.
  sessionStorage.clear();
  chat = newConversation();
  save();
  render();
  input.focus();
});

render();
save();

/**
 * The built agent bundles as an agent console embeds them: served by the real
 * backend at /agent.js and /agent.iife.js, each in a fresh document (an
 * iframe). Needs `npm run build:widget` first. The identity stream comes from
 * the agent wire-format fixture until the backend has the agent routes.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAgent } from '../../src/id-contact-agent.js';
import { stack } from '../support/browser.js';
import { agentFeed, identity, newTicket, push, until } from '../support/agent.js';

type EmbedWindow = Window & { errors: string[]; identities: unknown[] };

async function embed(head: string, ticket: string) {
  const backend = await agentFeed();
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>console</title>
    <script>window.errors = []; addEventListener('error', (e) => errors.push(String(e.message)));
      window.identities = []; addEventListener('id-contact-identity', (e) => identities.push(e.detail.identity));</script>
    ${head}</head><body><id-contact-agent ticket="${ticket}" backend="${backend}"></id-contact-agent></body></html>`;
  document.body.append(frame);
  frames.push(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as EmbedWindow;
  const el = win.document.querySelector('id-contact-agent') as IdContactAgent;
  return { win, el };
}

const frames: HTMLIFrameElement[] = [];

/** The verified badge's text, once the element shows it. */
const badge = (el: IdContactAgent) => el.shadowRoot?.querySelector('[part~="badge"]')?.textContent?.trim();

describe('agent script-tag embed', () => {
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  it('the module bundle from /agent.js works (English, from the page’s lang)', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { win, el } = await embed(`<script type="module" src="${(await stack()).backend}/agent.js"></script>`, ticket);
    await until(() => badge(el) === 'Verified', `the verified badge (state ${el.state})`);
    expect(win.errors).to.deep.equal([]);
    expect(win.identities).to.have.length(1);
  });

  it('the classic-script bundle from /agent.iife.js works the same', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { win, el } = await embed(`<script src="${(await stack()).backend}/agent.iife.js"></script>`, ticket);
    await until(() => badge(el) === 'Verified', `the verified badge (state ${el.state})`);
    expect(win.errors).to.deep.equal([]);
  });

  it('loading it twice, both builds, and next to the resident widget’s script throws nothing', async () => {
    const { backend } = await stack();
    const ticket = newTicket();
    await push(ticket, identity());
    const { win, el } = await embed(
      `<script src="${backend}/agent.iife.js"></script>
      <script src="${backend}/agent.iife.js"></script>
      <script src="${backend}/widget.iife.js"></script>
      <script type="module" src="${backend}/agent.js"></script>
      <script type="module" src="${backend}/agent.js?again"></script>
      <script type="module" src="${backend}/widget.js"></script>`,
      ticket,
    );
    await until(() => badge(el) === 'Verified', `the verified badge (state ${el.state})`);
    // Give the module scripts, which run after parsing, time to have run.
    await new Promise((r) => setTimeout(r, 200));
    expect(win.errors).to.deep.equal([]);
    expect(win.customElements.get('id-contact-agent')).to.be.a('function');
    expect(win.customElements.get('id-contact-auth')).to.be.a('function');
    // One stream, not one per load.
    expect(win.identities).to.have.length(1);
  });

  it('without a backend attribute the element talks to the backend its script came from', async () => {
    const { backend } = await stack();
    const { win } = await embed(`<script src="${backend}/agent.iife.js"></script>`, newTicket());
    const element = win.customElements.get('id-contact-agent') as unknown as { defaultBackend: string };
    expect(element.defaultBackend).to.equal(new URL(backend).origin);
  });
});

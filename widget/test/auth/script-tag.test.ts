/**
 * The built bundles as a website owner embeds them: served by the real
 * backend at /widget.js and /widget.iife.js, each in a fresh document (an
 * iframe), with no `backend` attribute. Needs `npm run build:widget` first.
 */
import { expect } from '@open-wc/testing';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import { stack, waitFor } from '../support/browser.js';

type EmbedWindow = Window & { errors: string[] };

async function embed(head: string, body = '<id-contact-auth purpose="report_move"></id-contact-auth>') {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>embed</title>
    <script>window.errors = []; addEventListener('error', (e) => errors.push(String(e.message)));</script>
    ${head}</head><body>${body}</body></html>`;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as EmbedWindow;
  const el = win.document.querySelector('id-contact-auth') as IdContactAuth;
  return { frame, win, el };
}

describe('script-tag embed', () => {
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => frames.splice(0).forEach((f) => f.remove()));

  it('the two-line module embed works, talking to the backend it came from', async () => {
    const { backend } = await stack();
    const { frame, win, el } = await embed(`<script type="module" src="${backend}/widget.js"></script>`);
    frames.push(frame);
    await waitFor(() => el.state === 'choosing', `choosing (now ${el.state})`);
    expect(win.errors).to.deep.equal([]);
    // English, from the page's lang.
    expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent!.trim()).to.equal('Choose how you want to log in.');
  });

  it('is styled on a page whose Content Security Policy allows no inline styles', async () => {
    const { backend } = await stack();
    const { frame, win, el } = await embed(`<meta http-equiv="Content-Security-Policy" content="style-src 'self'">
      <style>html { scroll-padding-top: 77px }</style>
      <script type="module" src="${backend}/widget.js"></script>`);
    frames.push(frame);
    await waitFor(() => el.state === 'choosing', `choosing (now ${el.state})`);
    // The page's own inline style is refused: the policy is in force ...
    expect(win.getComputedStyle(win.document.documentElement).scrollPaddingTop).to.equal('auto');
    // ... and the widget's, adopted as a stylesheet object, apply.
    const container = el.shadowRoot!.querySelector('[part~="container"]')!;
    expect(win.getComputedStyle(container).paddingTop).to.equal('16px');
    expect(win.errors).to.deep.equal([]);
  });

  it('the classic-script (IIFE) build works the same', async () => {
    const { backend } = await stack();
    const { frame, win, el } = await embed(`<script src="${backend}/widget.iife.js"></script>`);
    frames.push(frame);
    await waitFor(() => el.state === 'choosing', `choosing (now ${el.state})`);
    expect(win.errors).to.deep.equal([]);
  });

  it('loading the script twice, and both builds, throws nothing', async () => {
    const { backend } = await stack();
    const { frame, win, el } = await embed(`
      <script src="${backend}/widget.iife.js"></script>
      <script src="${backend}/widget.iife.js"></script>
      <script type="module" src="${backend}/widget.js"></script>
      <script type="module" src="${backend}/widget.js?again"></script>`);
    frames.push(frame);
    await waitFor(() => el.state === 'choosing', `choosing (now ${el.state})`);
    // Give the module scripts, which run after parsing, time to have run.
    await new Promise((r) => setTimeout(r, 200));
    expect(win.errors).to.deep.equal([]);
    expect(win.customElements.get('id-contact-auth')).to.be.a('function');
  });

  it('a backend attribute wins over the script’s origin', async () => {
    const { backend } = await stack();
    const { frame, el } = await embed(
      `<script type="module" src="${backend}/widget.js"></script>`,
      `<id-contact-auth purpose="report_move" backend="http://127.0.0.1:9"></id-contact-auth>`,
    );
    frames.push(frame);
    await waitFor(() => el.state === 'error', `error (now ${el.state})`);
  });
});

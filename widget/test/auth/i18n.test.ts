import { expect, fixture, fixtureCleanup } from '@open-wc/testing';
import { html } from 'lit';
import { format, labelFor, langOf, normalizeLang, stringsFor, STRINGS } from '../../src/auth/i18n.js';
import type { IdContactAuth } from '../../src/id-contact-auth.js';
import { cleanUp, mount, stack, statusText, waitForState } from '../support/browser.js';

describe('strings', () => {
  it('Dutch and English have the same keys, none empty', () => {
    expect(Object.keys(STRINGS.nl).sort()).to.deep.equal(Object.keys(STRINGS.en).sort());
    for (const lang of ['nl', 'en'] as const) {
      for (const [key, text] of Object.entries(STRINGS[lang])) expect(text, `${lang}.${key}`).to.not.equal('');
    }
  });

  it('overrides replace single strings and labels for one language only', () => {
    const overrides = { en: { choose: 'Pick one', labels: { bsn: 'BSN number' } } };
    const en = stringsFor('en', overrides);
    expect(en.text.choose).to.equal('Pick one');
    expect(en.text.cancel).to.equal('Cancel');
    expect(en.labels.bsn).to.equal('BSN number');
    expect(stringsFor('nl', overrides).text.choose).to.equal(STRINGS.nl.choose);
  });

  it('labels known tags and shows unknown tags raw', () => {
    const { labels } = stringsFor('en');
    expect(labelFor(labels, 'email')).to.equal('Email address');
    expect(labelFor(labels, 'shoe_size')).to.equal('shoe_size');
    // Not fooled by Object.prototype.
    expect(labelFor(labels, 'constructor')).to.equal('constructor');
  });

  it('formats placeholders and leaves unknown ones', () => {
    expect(format('Starting {method}… {other}', { method: 'Yivi' })).to.equal('Starting Yivi… {other}');
  });

  it('normalises language tags: English variants to en, anything else to nl', () => {
    expect(normalizeLang('en-GB')).to.equal('en');
    expect(normalizeLang('EN')).to.equal('en');
    expect(normalizeLang('nl-BE')).to.equal('nl');
    expect(normalizeLang('de')).to.equal('nl');
    expect(normalizeLang(undefined)).to.equal('nl');
    expect(normalizeLang('eng')).to.equal('nl');
  });

  it('finds the nearest lang through shadow roots', () => {
    const outer = document.createElement('div');
    outer.lang = 'en';
    const host = document.createElement('div');
    outer.append(host);
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(outer);
    expect(langOf(inner)).to.equal('en');
    outer.remove();
  });
});

describe('language of the element', () => {
  afterEach(cleanUp);

  it('follows the page’s lang when it has none, also when the page changes it', async () => {
    document.documentElement.lang = 'en';
    const el = await fixture<IdContactAuth>(
      html`<id-contact-auth purpose="report_move" backend=${(await stack()).backend}></id-contact-auth>`,
    );
    await waitForState(el, 'choosing');
    expect(statusText(el)).to.equal('Choose how you want to log in.');
    document.documentElement.lang = 'nl';
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(statusText(el)).to.equal('Kies hoe u wilt inloggen.');
    fixtureCleanup();
  });

  it('its own lang attribute wins, and can change', async () => {
    document.documentElement.lang = 'nl';
    const { el } = await mount({ lang: 'en' });
    await waitForState(el, 'choosing');
    expect(statusText(el)).to.equal('Choose how you want to log in.');
    el.lang = 'nl';
    await el.updateComplete;
    expect(statusText(el)).to.equal('Kies hoe u wilt inloggen.');
    expect(el.locale).to.equal('nl');
  });

  it('uses the page’s strings overrides', async () => {
    const { el } = await mount({ lang: 'en' });
    el.strings = { en: { choose: 'How would you like to prove who you are?' } };
    await waitForState(el, 'choosing');
    expect(statusText(el)).to.equal('How would you like to prove who you are?');
  });
});

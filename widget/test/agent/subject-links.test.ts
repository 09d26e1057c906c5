/**
 * `<id-contact-agent>`: each login's subject in plain words (the core's
 * name, else the page's `purposes` label, else the tag), a meta line without
 * stray separators, and links to the case from the page's `links`
 * templates (http(s) only, the value encoded, a new tab without opener).
 */
import { expect } from '@open-wc/testing';
import type { IdContactAgent } from '../../src/id-contact-agent.js';
import { agentParts, cleanUpAgent, identity, mountAgent, newTicket, PERSON, push, root, shown, text, until } from '../support/agent.js';

const PURPOSES = { report_move: { nl: 'Verhuizing doorgeven', en: 'Report a move' }, passport: 'Paspoort aanvragen' };
const links = (el: IdContactAgent) => agentParts<HTMLAnchorElement>(el, 'case-link');

/** Collects console.warn calls while a test runs. */
function watchWarnings() {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  return {
    warnings,
    restore: () => {
      console.warn = original;
    },
  };
}

describe('agent: subject and meta line', () => {
  afterEach(cleanUpAgent);

  for (const [lang, expected] of [
    ['nl', ['Onderwerp: Verhuizing (naam van de core)', 'Onderwerp: Verhuizing doorgeven', 'Onderwerp: Paspoort aanvragen', 'Onderwerp: dog_licence']],
    ['en', ['Subject: Verhuizing (naam van de core)', 'Subject: Report a move', 'Subject: Paspoort aanvragen', 'Subject: dog_licence']],
  ] as const) {
    it(`the core's name beats the page's label beats the tag (${lang})`, async () => {
      const ticket = newTicket();
      await push(ticket, identity({ id: 'a', purpose: 'report_move', purpose_name: 'Verhuizing (naam van de core)' }));
      await push(ticket, identity({ id: 'b', purpose: 'report_move' }));
      await push(ticket, identity({ id: 'c', purpose: 'passport', status: 'waiting' }));
      await push(ticket, identity({ id: 'd', purpose: 'dog_licence', status: 'failed' }));
      const { el } = await mountAgent({ ticket, lang, purposes: PURPOSES });
      await until(() => shown(el).length === 4, 'all four');
      expect(shown(el).map((i) => i.subject)).to.deep.equal(expected);
    });
  }

  it('labels set later as a property apply; a login without a purpose has no subject line', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ id: 'a', purpose: 'passport' }));
    await push(ticket, identity({ id: 'b', purpose: '' }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 2, 'both');
    expect(shown(el).map((i) => i.subject)).to.deep.equal(['Onderwerp: passport', '']);
    expect(root(el).querySelectorAll('[part~="subject"]')).to.have.length(1);
    el.purposes = { passport: { nl: 'Paspoort', en: 'Passport' } };
    await el.updateComplete;
    expect(shown(el)[0]!.subject).to.equal('Onderwerp: Paspoort');
  });

  it('no stray separator when the method (a core-started login) or the time is missing', async () => {
    const ticket = newTicket();
    await push(ticket, identity({ id: 'core', auth_method: null }));
    await push(ticket, identity({ id: 'no-time', auth_method: 'digid', updated_at: 'unreadable' }));
    await push(ticket, identity({ id: 'both', auth_method: 'digid' }));
    const { el } = await mountAgent({ ticket });
    await until(() => shown(el).length === 3, 'all three');
    const [core, noTime, both] = shown(el).map((i) => i.meta);
    expect(core).to.match(/^bijgewerkt \d\d:\d\d$/);
    expect(noTime).to.equal('DigiD');
    expect(both).to.match(/^DigiD · bijgewerkt \d\d:\d\d$/);
  });
});

describe('agent: links to the case', () => {
  let watch: ReturnType<typeof watchWarnings>;
  beforeEach(() => {
    watch = watchWarnings();
  });
  afterEach(() => {
    watch.restore();
    cleanUpAgent();
  });

  it('an https template makes the value a link: encoded, in a new tab, without opener or referrer, named as opening the case', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket, links: { bsn: 'https://zaak.example/persoon/{value}?bron=idc' } });
    await until(() => links(el).length === 1, 'the link');
    const [link] = links(el);
    expect(link!.getAttribute('href')).to.equal(`https://zaak.example/persoon/${PERSON.bsn}?bron=idc`);
    expect(link!.target).to.equal('_blank');
    expect(link!.rel).to.equal('noopener noreferrer');
    expect(text(link)).to.equal(`${PERSON.bsn} (open het dossier in een nieuw tabblad)`);
    expect(link!.closest('[part~="attribute-value"]')).to.not.equal(null);
    // Only the attribute with a template is a link.
    expect(shown(el)[0]!.attributes).to.have.deep.members([
      ['Volledige naam', PERSON.fullname],
      ['BSN', `${PERSON.bsn} (open het dossier in een nieuw tabblad)`],
      ['E-mailadres', PERSON.email],
    ]);
    expect(watch.warnings).to.deep.equal([]);
  });

  it('the value is percent-encoded: it cannot change the path, query or fragment', async () => {
    const ticket = newTicket();
    const value = 'a/b?c=d#e&f g';
    await push(ticket, identity({ attributes: { bsn: value } }));
    const { el } = await mountAgent({ ticket, lang: 'en', links: { bsn: 'http://zaak.example/p/{value}#x={value}' } });
    await until(() => links(el).length === 1, 'the link');
    const url = new URL(links(el)[0]!.href);
    expect(url.pathname).to.equal('/p/a%2Fb%3Fc%3Dd%23e%26f%20g');
    expect(url.search).to.equal('');
    expect(url.hash).to.equal('#x=a%2Fb%3Fc%3Dd%23e%26f%20g');
    expect(decodeURIComponent(url.pathname.slice(3))).to.equal(value);
    expect(text(links(el)[0])).to.equal(`${value} (open the case in a new tab)`);
  });

  for (const template of ['javascript:alert("{value}")', 'data:text/html,{value}', '/persoon/{value}', 'zaak.example/{value}', 'ftp://zaak.example/{value}']) {
    it(`refuses ${template.split(':')[0]}: no link, a warning naming the attribute and never the value`, async () => {
      const ticket = newTicket();
      await push(ticket, identity());
      const { el } = await mountAgent({ ticket, links: { bsn: template, email: 'https://mail.example/{value}' } });
      await until(() => shown(el).length === 1, 'the identity');
      expect(links(el).map((a) => a.href)).to.deep.equal([`https://mail.example/${encodeURIComponent(PERSON.email)}`]);
      expect(root(el).querySelector('a[href^="javascript"], a[href^="data"]')).to.equal(null);
      expect(watch.warnings).to.have.length(1);
      expect(watch.warnings[0]).to.include('links.bsn');
      expect(watch.warnings.join()).to.not.include(PERSON.bsn);
    });
  }

  it('links set as a property apply; an attribute that is not JSON is ignored with a warning', async () => {
    const ticket = newTicket();
    await push(ticket, identity());
    const { el } = await mountAgent({ ticket });
    el.setAttribute('links', '{not json');
    await el.updateComplete;
    expect(watch.warnings).to.deep.equal(['<id-contact-agent>: the links attribute is not a JSON object; it is ignored']);
    await until(() => shown(el).length === 1, 'the identity');
    expect(links(el)).to.have.length(0);
    el.links = { bsn: 'https://zaak.example/{value}' };
    await el.updateComplete;
    expect(links(el).map((a) => a.href)).to.deep.equal([`https://zaak.example/${PERSON.bsn}`]);
  });
});

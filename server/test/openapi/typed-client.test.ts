/**
 * The OpenAPI document proven true: a client generated from it (openapi-typescript types,
 * openapi-fetch) drives a real backend, with the stand-in core and auth plugin, through a
 * login and everything around it. This file type-checks against the generated types (the
 * typecheck suite), and every answer is held to the document at run time
 * (testkit/openapi/typed-client.ts): an undocumented status or a body that does not match
 * rejects the call.
 */
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveApp, type RunningServer } from '../../src/http/serve.ts';
import { SITE_ORIGIN } from '../../../testkit/backend.ts';
import { launchedTo } from '../../../testkit/resident-browser.ts';
import { logInAtPlugin, PLUGIN_CREDENTIALS, startStack, TEST_PERSON, type Stack } from '../../../testkit/stack.ts';
import { mintTicket, newTicketSecret } from '../../../testkit/tickets.ts';
import { encryptPayload, signClaims, validClaims } from '../../../testkit/tokens.ts';
import { DocumentConformance } from '../../../testkit/openapi/document-conformance.ts';
import { documentedEvents, typedClient, type BackendClient } from '../../../testkit/openapi/typed-client.ts';

const AGENT_ORIGIN = 'https://agent.gemeente.example';
const CONVERSATION = 'conversation-openapi';

let stack: Stack;
let secret: string;
let conformance: DocumentConformance;
let receiver: RunningServer;
/** Webhook bodies as the backend posted them. */
let webhooks: Array<{ type: string }>;
const streams: AbortController[] = [];

beforeEach(async () => {
  secret = newTicketSecret();
  webhooks = [];
  receiver = await serveApp(new Hono().post('/hook', async (c) => (webhooks.push(await c.req.json()), c.body(null, 204))));
  stack = await startStack({
    env: {
      IDC_TICKET_SECRET: secret,
      IDC_AGENT_ORIGINS: AGENT_ORIGIN,
      IDC_WEBHOOK_URL: `${receiver.url}/hook`,
      IDC_WEBHOOK_SECRET: `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
    },
  });
  // The document this very backend serves.
  conformance = new DocumentConformance(await (await fetch(`${stack.url}/openapi.json`)).json());
});

afterEach(async () => {
  for (const controller of streams.splice(0)) controller.abort();
  await stack.close();
  await receiver.close();
});

async function resident(): Promise<BackendClient> {
  return typedClient(stack.url, conformance, { Origin: SITE_ORIGIN });
}

async function employee(): Promise<BackendClient> {
  const ticket = await mintTicket('host', secret, { conversation: CONVERSATION });
  return typedClient(stack.url, conformance, { Origin: AGENT_ORIGIN, Authorization: `Bearer ${ticket}` });
}

async function openStream(client: BackendClient, sessionId: string, token: string) {
  const controller = new AbortController();
  streams.push(controller);
  const { response } = await client.GET('/sessions/{session_id}/events', {
    params: { path: { session_id: sessionId }, query: { token } },
    parseAs: 'stream',
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  return documentedEvents(conformance, '/sessions/{session_id}/events', response, controller);
}

/** The widget's top-level form POST of the launch token: the page that goes on to the login, and the binding cookie. */
function launchLogin(client: BackendClient, session: { session_id: string; launch_token: string }) {
  return client.POST('/launch/{session_id}', {
    params: { path: { session_id: session.session_id } },
    body: { token: session.launch_token },
    bodySerializer: (body) => new URLSearchParams(body),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    parseAs: 'text',
  });
}

describe('a typed client generated from the OpenAPI document', () => {
  it('logs a resident in (options, start, launch, return, stream, status) and the employee reads who it is', async () => {
    const client = await resident();
    const guestTicket = await mintTicket('guest', secret, { conversation: CONVERSATION });

    const options = await client.GET('/session_options/{purpose}', { params: { path: { purpose: 'report_move' } } });
    expect(options.data?.auth_methods.map((method) => method.tag)).toEqual(['irma', 'digid']);

    const started = await client.POST('/sessions', { body: { purpose: 'report_move', auth_method: 'irma', ticket: guestTicket } });
    expect(started.response.status).toBe(201);
    const session = started.data!;
    const streamToken = new URL(session.events_url).searchParams.get('token')!;
    const events = await openStream(client, session.session_id, streamToken);
    expect((await events.next())?.event).toBe('state');

    const launch = await launchLogin(client, session);
    expect(launch.response.status).toBe(200);
    const bindingCookie = launch.response.headers.getSetCookie()[0]!.split(';')[0]!;

    // At the auth plugin (not our API): it posts the result to the attr_url and sends the browser back.
    const landing = await logInAtPlugin(launchedTo(launch.data as string));
    const back = new URL(landing.headers.get('location')!);
    const returned = await client.GET('/return/{session_id}', {
      params: { path: { session_id: session.session_id }, query: { result: back.searchParams.get('result') ?? undefined } },
      headers: { Cookie: bindingCookie },
      parseAs: 'text',
    });
    expect(returned.response.status).toBe(200);

    const result = await events.next(5000);
    expect(result?.event).toBe('result');
    expect(JSON.parse(result!.data!)).toMatchObject({ status: 'succes', attributes: { bsn: TEST_PERSON.bsn } });

    const status = await client.GET('/sessions/{session_id}/status', {
      params: { path: { session_id: session.session_id } },
      headers: { Authorization: `Bearer ${streamToken}` },
    });
    expect(status.data).toMatchObject({ state: 'result', result: { status: 'succes' } });

    const agent = await employee();
    const identities = await agent.GET('/agent/identities');
    expect(identities.data?.identities).toEqual([
      expect.objectContaining({ status: 'verified', purpose: 'report_move', auth_method: 'irma', attributes: expect.objectContaining({ bsn: TEST_PERSON.bsn }) }),
    ]);

    const activity = await client.POST('/sessions/{session_id}/activity', {
      params: { path: { session_id: session.session_id } },
      headers: { Authorization: `Bearer ${streamToken}` },
    });
    expect(activity.response.status).toBe(202);
    const forgotten = await agent.DELETE('/agent/identities');
    expect(forgotten.response.status).toBe(204);
    expect((await agent.GET('/agent/identities')).data?.identities.map((identity) => identity.status)).toEqual(['forgotten']);

    // The webhooks this login made, each as the document's `webhooks` describe it.
    await expect.poll(() => webhooks.map((webhook) => webhook.type), { timeout: 5000 }).toEqual(['identity.verified', 'identity.forgotten']);
    for (const webhook of webhooks) conformance.checkWebhook(webhook);
  });

  it("carries the employee's request to verify to the resident, and the decline back", async () => {
    const agent = await employee();
    const asked = await agent.POST('/agent/requests', { body: { purpose: 'report_move' } });
    expect(asked.response.status).toBe(201);
    expect(asked.data).toMatchObject({ purpose: 'report_move', purpose_name: 'Verhuizing doorgeven', status: 'pending' });

    const guestTicket = await mintTicket('guest', secret, { conversation: CONVERSATION });
    const client = typedClient(stack.url, conformance, { Origin: SITE_ORIGIN, Authorization: `Bearer ${guestTicket}` });
    const current = await client.GET('/requests/current');
    expect(current.data?.request).toMatchObject({ id: asked.data!.id, status: 'pending' });
    expect(current.data?.request).not.toHaveProperty('identity_id');

    const declined = await client.POST('/requests/{request_id}/decline', { params: { path: { request_id: asked.data!.id } } });
    expect(declined.response.status).toBe(204);
    expect((await agent.GET('/agent/requests')).data?.request).toMatchObject({ id: asked.data!.id, status: 'declined' });
    const again = await client.POST('/requests/{request_id}/decline', { params: { path: { request_id: asked.data!.id } } });
    expect(again.error).toMatchObject({ error: 'request_not_pending' });
    await expect.poll(() => webhooks.map((webhook) => webhook.type), { timeout: 5000 }).toEqual(['verification.requested']);
    conformance.checkWebhook(webhooks[0]!);
  });

  it('lets the core start a conversation and an auth plugin post its result to the attr_url', async () => {
    const basic = Buffer.from(`${PLUGIN_CREDENTIALS.user}:${PLUGIN_CREDENTIALS.password}`).toString('base64');
    const core = typedClient(stack.url, conformance, { Authorization: `Basic ${basic}` });
    const started = await core.POST('/start_communication', { body: { purpose: 'report_move' } });
    expect(started.response.status).toBe(200);
    const reference = new URL(started.data!.client_url).searchParams.get('id-contact-session')!;
    const attrId = started.data!.attr_url!.split('/').at(-1)!;

    const client = await resident();
    const ticket = await mintTicket('guest', secret, { conversation: CONVERSATION });
    const attached = await client.POST('/sessions/attach', { body: { reference, ticket } });
    expect(attached.response.status).toBe(200);
    const events = await openStream(client, attached.data!.session_id, new URL(attached.data!.events_url).searchParams.get('token')!);
    expect((await events.next())?.event).toBe('state');

    const jws = await signClaims(validClaims(), stack.keys.plugin.privateKey, 'RS256');
    const jwe = await encryptPayload({ njwt: jws }, stack.keys.ours.publicKey);
    const post = () =>
      core.POST('/attributes/{attr_id}', {
        params: { path: { attr_id: attrId } },
        body: jwe,
        bodySerializer: (body) => body,
        headers: { 'Content-Type': 'application/jwt' },
      });
    expect((await post()).data).toEqual({ status: 'accepted' });
    expect((await events.next(5000))?.event).toBe('result');
    expect((await post()).error).toMatchObject({ error: 'result_already_received' });
  });

  it('gets the refusals the document lists, each with its code', async () => {
    const client = await resident();
    const invalid = await client.POST('/sessions', { body: { purpose: '', auth_method: 'irma' } });
    expect(invalid.error).toMatchObject({ error: 'invalid_request' });
    const noTicket = await client.POST('/sessions', { body: { purpose: 'report_move', auth_method: 'irma' } });
    expect(noTicket.error).toMatchObject({ error: 'ticket_required' });
    const unknown = await client.GET('/session_options/{purpose}', { params: { path: { purpose: 'no_such_purpose' } } });
    expect(unknown.error).toMatchObject({ error: 'unknown_purpose' });
    const noToken = await client.GET('/sessions/{session_id}/status', { params: { path: { session_id: 'nobody' } } });
    expect(noToken.response.status).toBe(404);
    const wrongType = await client.POST('/attributes/{attr_id}', { params: { path: { attr_id: 'nobody' } }, body: 'x', bodySerializer: (body) => body });
    expect(wrongType.error).toMatchObject({ error: 'unsupported_media_type' });
    const stranger = typedClient(stack.url, conformance, { Origin: AGENT_ORIGIN });
    expect((await stranger.GET('/agent/identities')).error).toMatchObject({ error: 'ticket_required' });
    expect((await client.GET('/healthz')).data?.status).toBe('ok');
  });

  it('fails the call when an answer does not match the document', async () => {
    // The same backend, held to a document that spells the outcome the way a careless reader would.
    const document = structuredClone(conformance.document);
    const resultEvent = document.components.schemas.ResultEvent;
    resultEvent.oneOf[0].properties.status.const = 'success';
    const strict = new DocumentConformance(document);
    const jws = await signClaims(validClaims(), stack.keys.plugin.privateKey, 'RS256');
    const session = (await (await resident()).POST('/sessions', {
      body: { purpose: 'report_move', auth_method: 'irma', ticket: await mintTicket('guest', secret, { conversation: CONVERSATION }) },
    })).data!;
    const streamToken = new URL(session.events_url).searchParams.get('token')!;
    // The result goes in through the return page (`?result=`), in the browser that launched the login.
    const client = await resident();
    const launch = await launchLogin(client, session);
    const cookie = launch.response.headers.getSetCookie()[0]!.split(';')[0]!;
    const jwe = await encryptPayload({ njwt: jws }, stack.keys.ours.publicKey);
    await client.GET('/return/{session_id}', { params: { path: { session_id: session.session_id }, query: { result: jwe } }, headers: { Cookie: cookie }, parseAs: 'text' });

    const held = typedClient(stack.url, strict, { Origin: SITE_ORIGIN });
    const call = held.GET('/sessions/{session_id}/status', { params: { path: { session_id: session.session_id } }, headers: { Authorization: `Bearer ${streamToken}` } });
    await expect(call).rejects.toThrow(/does not match the document/);
  });
});

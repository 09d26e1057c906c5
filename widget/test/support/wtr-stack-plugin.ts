/**
 * Web Test Runner plugin: starts the stack (stack.ts) with the test server
 * and offers the browser tests a few commands through executeServerCommand:
 *
 * - `idc-stack`: the stack's URLs;
 * - `idc-core` `{mode}`: `down` makes the backend's core calls fail, `hang`
 *   holds them until the mode changes, `up` is normal;
 * - `idc-drop`: cut all connections to the backends (event streams too);
 * - `idc-run`: the engine and the profile of system preferences this run has;
 * - `idc-close-popups`: close every page but the test page;
 * - `idc-key` `{press}`: press a key (`Tab`, `Shift+Tab`, `Space`) in every
 *   engine alike;
 * - `idc-login` `{outcome}`: click `succes` or `failed` on the auth plugin's
 *   login page, wherever it is open (popup, tab, or the page itself), as the
 *   user would; resolves once that page has navigated on;
 * - `idc-pages`: the URLs of all open pages, to see popups come and go;
 * - `idc-chat` `{request}`: a core-initiated session (stack.ts `startChat`),
 *   answering `{chatUrl, attrUrl?}`;
 * - `idc-deliver` `{attrUrl, status}`: POST a fresh result to an attr_url;
 * - `idc-result-token` `{kind}`: a result token (`succes`, `failed`, `forged`);
 * - `idc-feedback`: the session plugin's recorded session feedback calls;
 * - `idc-feedback-behaviour` `{behaviour}`: how its session_url answers
 *   (`ok`, `fail`, `hang`);
 * - `idc-proxy` `{mode}`: how the buffering proxy in front of
 *   `proxiedBackend` (its URL is in `idc-stack`) passes responses: `pass`,
 *   `buffer` (bodies held until they end), `stall` (event streams freeze,
 *   open); `idc-proxy-log`: the requests it relayed since the last call;
 * - `idc-ticket` `{kind, conversation}`: a guest or host ticket, signed here;
 * - `idc-ask` `{backend, conversation, purpose}`: `POST /agent/requests` with
 *   a host ticket (`{status, request?}`); `idc-agent-request`
 *   `{backend, conversation}`: `GET /agent/requests`'s request.
 *
 * And for `<id-contact-agent>`, the agent wire-format fixture
 * (agent-feed-fixture.ts; a stand-in until the backend has the agent routes),
 * each per ticket:
 *
 * - `agent-fixture`: its URL;
 * - `agent-push` `{ticket, identity}`: an identity event (stored, streamed);
 * - `agent-heartbeat` `{ticket}`, `agent-end` `{ticket}` (end the streams),
 *   `agent-expire` `{ticket}` (`ticket_expired`, then 401 from then on);
 * - `agent-behave` `{ticket, behaviour}`: hang or fail the stream, fail
 *   Forget, refuse the ticket with a code;
 * - `agent-request` `{ticket, request}`: set the conversation's request to
 *   verify (or change its status), streamed as a `request` event;
 *   `agent-current-request` `{ticket}`: the fixture's request;
 * - `agent-log` `{ticket}`: the requests it got (Authorization and
 *   Last-Event-ID of each connect, each Forget, each ask with its body) and
 *   the open streams.
 */
import type { TestRunnerPlugin } from '@web/test-runner-core';
import type { SessionFeedbackBehaviour } from '../../../standins/auth-plugin/app.ts';
import { startAgentFeedFixture, type AgentBehaviour, type AgentFeedFixture, type IdentityInput } from './agent-feed-fixture.ts';
import type { VerificationRequest } from '../../src/shared/wire.ts';
import type { Preferences } from '../../../testkit/engines/engines.ts';
import { windowsOf, type KeyPress } from './wtr-windows.ts';
import { startStack, type ChatRequest, type CoreMode, type Stack, type TicketBackend } from './stack.ts';
import type { ProxyMode } from './buffering-proxy.ts';

export function stackPlugin(run: { engine: string; profile: string; preferences: Preferences }): TestRunnerPlugin {
  let stack: Stack | undefined;
  let agentFeed: AgentFeedFixture | undefined;

  return {
    name: 'idc-stack',
    async serverStart({ config }) {
      const origins = [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`];
      const page = `http://${config.hostname ?? 'localhost'}:${config.port}`;
      [stack, agentFeed] = await Promise.all([
        startStack(origins, `${page}/widget/test/fixtures/chat-host.html`),
        startAgentFeedFixture(origins),
      ]);
    },
    async serverStop() {
      await Promise.all([stack?.close(), agentFeed?.close()]);
    },
    async executeCommand({ command, payload, session }) {
      if (command.startsWith('agent-')) {
        const feed = agentFeed!;
        const { ticket = '' } = (payload ?? {}) as { ticket?: string };
        if (command === 'agent-fixture') return { url: feed.url };
        if (command === 'agent-push') feed.push(ticket, (payload as { identity: IdentityInput }).identity);
        else if (command === 'agent-heartbeat') feed.heartbeat(ticket);
        else if (command === 'agent-end') feed.end(ticket);
        else if (command === 'agent-expire') feed.expire(ticket);
        else if (command === 'agent-behave') feed.behave(ticket, (payload as { behaviour: AgentBehaviour }).behaviour);
        else if (command === 'agent-request') feed.setRequest(ticket, (payload as { request: VerificationRequest | null }).request);
        else if (command === 'agent-current-request') return feed.request(ticket);
        else if (command === 'agent-log') return feed.log(ticket);
        else return undefined;
        return true;
      }
      if (command === 'idc-stack') return stack!.info;
      if (command === 'idc-run') return run;
      if (command === 'idc-core') {
        stack!.setCoreMode((payload as { mode: CoreMode }).mode);
        return true;
      }
      if (command === 'idc-drop') {
        stack!.dropConnections();
        return true;
      }
      if (command === 'idc-close-popups') {
        await windowsOf(session).closeOthers();
        return true;
      }
      if (command === 'idc-key') {
        await windowsOf(session).press((payload as { press: KeyPress }).press);
        return true;
      }
      if (command === 'idc-chat') return stack!.startChat((payload as { request: ChatRequest }).request);
      if (command === 'idc-deliver') {
        const { attrUrl, status } = payload as { attrUrl: string; status: 'succes' | 'failed' };
        return stack!.deliverResult(attrUrl, status);
      }
      if (command === 'idc-result-token') return stack!.resultToken((payload as { kind: 'succes' | 'failed' | 'forged' }).kind);
      if (command === 'idc-feedback') return stack!.sessionFeedback();
      if (command === 'idc-feedback-behaviour') {
        stack!.setSessionFeedbackBehaviour((payload as { behaviour: SessionFeedbackBehaviour }).behaviour);
        return true;
      }
      if (command === 'idc-proxy') {
        stack!.setProxyMode((payload as { mode: ProxyMode }).mode);
        return true;
      }
      if (command === 'idc-proxy-log') return stack!.proxyLog();
      if (command === 'idc-ticket') {
        const { kind, conversation } = payload as { kind: 'guest' | 'host'; conversation: string };
        return stack!.ticket(kind, conversation);
      }
      if (command === 'idc-ask') {
        const { backend, conversation, purpose } = payload as { backend: TicketBackend; conversation: string; purpose: string };
        return stack!.askToVerify(backend, conversation, purpose);
      }
      if (command === 'idc-agent-request') {
        const { backend, conversation } = payload as { backend: TicketBackend; conversation: string };
        return stack!.agentRequest(backend, conversation);
      }
      if (command === 'idc-pages') return windowsOf(session).urls();
      if (command === 'idc-login') {
        const { plugin, sessionPlugin } = stack!.info;
        const outcome = (payload as { outcome: 'succes' | 'failed' }).outcome;
        if (!(await windowsOf(session).clickLogin([`${plugin}/login/`, `${sessionPlugin}/login/`], outcome))) {
          throw new Error(`no login page is open (${(await windowsOf(session).urls()).join(', ')})`);
        }
        return true;
      }
      return undefined;
    },
  };
}

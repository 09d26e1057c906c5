/** Runs the test auth plugin stand-in on a real (by default ephemeral loopback) port. */
import { serve, type ServeOptions } from '../serve.ts';
import {
  createAuthPluginApp,
  type AuthPluginOptions,
  type ResultDelivery,
  type SessionFeedbackBehaviour,
  type SessionFeedbackCall,
} from './app.ts';

export interface AuthPluginStandin {
  url: string;
  close(): Promise<void>;
  /** Every accepted `POST /session/:id` call, in order. */
  sessionFeedback: SessionFeedbackCall[];
  /** Every attr_url POST made, with the receiver's status (never the token). */
  resultDeliveries: ResultDelivery[];
  setSessionFeedbackBehaviour(behaviour: SessionFeedbackBehaviour): void;
}

export type AuthPluginStandinOptions = Omit<AuthPluginOptions, 'records'> & ServeOptions;

export async function startAuthPluginStandin(options: AuthPluginStandinOptions): Promise<AuthPluginStandin> {
  const sessionFeedback: SessionFeedbackCall[] = [];
  const resultDeliveries: ResultDelivery[] = [];
  // A private copy, so the behaviour can change without touching the caller's object.
  const { port, host, ...pluginOptions } = options;
  const liveOptions: AuthPluginOptions = { ...pluginOptions, records: { sessionFeedback, resultDeliveries } };
  const running = await serve(createAuthPluginApp(liveOptions), { port, host });
  return {
    url: running.url,
    close: running.close,
    sessionFeedback,
    resultDeliveries,
    setSessionFeedbackBehaviour(behaviour) {
      liveOptions.sessionFeedbackBehaviour = behaviour;
    },
  };
}

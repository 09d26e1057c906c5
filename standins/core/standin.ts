/** Runs the stand-in core on a real (by default ephemeral loopback) port. */
import { serve, type ServeOptions } from '../serve.ts';
import { createCoreApp, type CoreOptions } from './app.ts';
import type { RecordedRequest } from './request-recorder.ts';

export interface CoreStandin {
  url: string;
  close(): Promise<void>;
  /** Every request received, in order, including refused ones. */
  requests: RecordedRequest[];
}

export type CoreStandinOptions = Omit<CoreOptions, 'requests'> & ServeOptions;

export async function startCoreStandin(options: CoreStandinOptions): Promise<CoreStandin> {
  const requests: RecordedRequest[] = [];
  const { port, host, ...coreOptions } = options;
  const running = await serve(createCoreApp({ ...coreOptions, requests }), { port, host });
  return { url: running.url, close: running.close, requests };
}

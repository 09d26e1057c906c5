/**
 * The stand-in test auth plugin and the stand-in core (standins/), started
 * together with the keys they need. Free of vitest: the widget tests' Node
 * side (web-test-runner) and the fuzz use it as well as testkit/stack.ts.
 */
import type { Attributes } from '../server/src/protocol.ts';
import { startAuthPluginStandin, type AuthPluginStandinOptions } from '../standins/auth-plugin/standin.ts';
import type { CoreConfig } from '../standins/core/config.ts';
import { startCoreStandin, type CoreStandinOptions } from '../standins/core/standin.ts';
import type { TestKeyPair } from './keys.ts';

/** What the stand-ins need: our key pair (results are encrypted to it) and the auth plugin's (it signs them). */
export interface StandInsOptions {
  keys: { ours: TestKeyPair; plugin: TestKeyPair };
  /** The resident the auth plugin logs in. */
  testPerson: Attributes;
  /** The core's config, given the auth plugin's URL. */
  coreConfig: (pluginUrl: string) => CoreConfig;
  plugin?: Partial<AuthPluginStandinOptions>;
  core?: Partial<Omit<CoreStandinOptions, 'config'>>;
}

/** The stand-in test auth plugin, then the stand-in core configured with its URL, on ephemeral loopback ports. */
export async function startStandIns(options: StandInsOptions) {
  const plugin = await startAuthPluginStandin({
    signingKey: options.keys.plugin.privateKey,
    encryptionKey: options.keys.ours.publicKey,
    testPerson: options.testPerson,
    ...options.plugin,
  });
  const core = await startCoreStandin({ config: options.coreConfig(plugin.url), ...options.core });
  return {
    core,
    plugin,
    async close() {
      await Promise.all([core.close(), plugin.close()]);
    },
  };
}

export type StandIns = Awaited<ReturnType<typeof startStandIns>>;

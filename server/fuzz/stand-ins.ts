/**
 * The demo's stand-in core and test auth plugin, in the fuzz process on
 * ephemeral loopback ports, so `POST /sessions` reaches a real core and auth
 * plugin as in server/test/support/stack.ts. Keys are made here; the backend
 * gets its half as PEM.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { startAuthPluginStandin, type AuthPluginStandin } from '../../standins/auth-plugin/standin.ts';
import type { CoreConfig } from '../../standins/core/config.ts';
import { startCoreStandin, type CoreStandin } from '../../standins/core/standin.ts';

/** A fictional resident: the attributes the fuzz's valid results carry. */
export const FUZZ_PERSON = { bsn: '999993653', fullname: 'Sanne de Vries', email: 'sanne@example.nl' };
export const PURPOSES = ['report_move', 'personal_question'] as const;
export const AUTH_METHODS = ['irma', 'digid'] as const;
/** Purpose and auth method pairs the core accepts. */
export const ALLOWED_STARTS = [
  ['report_move', 'irma'],
  ['report_move', 'digid'],
  ['personal_question', 'irma'],
] as const;

export interface FuzzKeys {
  /** Ours: the backend decrypts results with the private half. */
  ours: { privateKey: KeyObject; publicKey: KeyObject; privatePem: string };
  /** The auth plugin's: results are signed with the private half; the backend trusts the public one. */
  plugin: { privateKey: KeyObject; publicKey: KeyObject; publicPem: string };
}

export function makeKeys(): FuzzKeys {
  const ours = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const plugin = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ours: { ...ours, privatePem: ours.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    plugin: { ...plugin, publicPem: plugin.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
  };
}

export interface StandIns {
  core: CoreStandin;
  plugin: AuthPluginStandin;
  close(): Promise<void>;
}

export async function startStandIns(keys: FuzzKeys): Promise<StandIns> {
  const plugin = await startAuthPluginStandin({
    signingKey: keys.plugin.privateKey,
    encryptionKey: keys.ours.publicKey,
    testPerson: FUZZ_PERSON,
  });
  const config: CoreConfig = {
    purposes: [
      { tag: 'report_move', attributes: ['bsn', 'fullname'], allowed_auth: ['*'], allowed_comm: ['*'] },
      { tag: 'personal_question', attributes: ['email'], allowed_auth: ['irma'], allowed_comm: ['*'] },
    ],
    auth_methods: AUTH_METHODS.map((tag) => ({ tag, name: tag, image_path: `/static/${tag}.svg`, start: plugin.url })),
    // The fuzz plays the core's part on /start_communication itself.
    comm_methods: [],
  };
  const core = await startCoreStandin({ config });
  return {
    core,
    plugin,
    close: async () => {
      await Promise.all([core.close(), plugin.close()]);
    },
  };
}

/**
 * The stand-in core and test auth plugin (testkit/stand-ins.ts), in the fuzz
 * process on ephemeral loopback ports, so `POST /sessions` reaches a real core
 * and auth plugin as in testkit/stack.ts. Keys are made here (testkit/keys.ts);
 * the backend gets its half as PEM.
 */
import { rsaKeyPair, type TestKeyPair } from '../../testkit/keys.ts';
import { startStandIns as startTestkitStandIns, type StandIns } from '../../testkit/stand-ins.ts';

export type { StandIns };

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
  ours: TestKeyPair;
  /** The auth plugin's: results are signed with the private half; the backend trusts the public one. */
  plugin: TestKeyPair;
}

export function makeKeys(): FuzzKeys {
  return { ours: rsaKeyPair(), plugin: rsaKeyPair() };
}

export function startStandIns(keys: FuzzKeys): Promise<StandIns> {
  return startTestkitStandIns({
    keys,
    testPerson: FUZZ_PERSON,
    coreConfig: (pluginUrl) => ({
      purposes: [
        { tag: 'report_move', attributes: ['bsn', 'fullname'], allowed_auth: ['*'], allowed_comm: ['*'] },
        { tag: 'personal_question', attributes: ['email'], allowed_auth: ['irma'], allowed_comm: ['*'] },
      ],
      auth_methods: AUTH_METHODS.map((tag) => ({ tag, name: tag, image_path: `/static/${tag}.svg`, start: pluginUrl })),
      // The fuzz plays the core's part on /start_communication itself.
      comm_methods: [],
    }),
  });
}

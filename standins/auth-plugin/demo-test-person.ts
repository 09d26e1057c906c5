/** The fictional resident the demo's test auth plugin logs in as. Test data only. */
import type { Attributes } from '../../server/src/protocol.ts';

export const DEMO_TEST_PERSON: Attributes = {
  // 999993653 is a BSN from the official Dutch test range (passes the 11-test).
  bsn: '999993653',
  fullname: 'Sanne de Vries',
  email: 'sanne.devries@example.nl',
  phone: '+31 6 12345678',
  address: 'Stationsplein 1, 1012 AB Amsterdam',
};

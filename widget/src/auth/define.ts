/**
 * Registration: defines <id-contact-auth> and remembers where the
 * script came from, which is the backend unless the page says otherwise.
 */
import { IdContactAuth } from './id-contact-auth.js';
import { register } from '../shared/register.js';

register('id-contact-auth', IdContactAuth);

export { IdContactAuth };
export * from './id-contact-auth.js';

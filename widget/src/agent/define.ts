/**
 * Registration: defines <id-contact-agent> and remembers where the
 * script came from, which is the backend unless the page says otherwise.
 * Loading it twice, or next to <id-contact-auth>'s script, is harmless.
 */
import { IdContactAgent } from './id-contact-agent.js';
import { register } from '../shared/register.js';

register('id-contact-agent', IdContactAgent);

export { IdContactAgent };
export * from './id-contact-agent.js';

/**
 * The package's `./agent/element` entry (dist/lib/id-contact-agent.js): the
 * <id-contact-agent> class without registering it. It lives in agent/; this
 * path stays because the package's `exports` name it.
 */
export * from './agent/id-contact-agent.js';

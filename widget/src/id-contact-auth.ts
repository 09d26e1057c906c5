/**
 * The package's `./element` entry (dist/lib/id-contact-auth.js): the
 * <id-contact-auth> class without registering it. It lives in auth/; this
 * path stays because the package's `exports` name it.
 */
export * from './auth/id-contact-auth.js';

/**
 * The package's main entry (`.`, dist/lib/define.js) and the resident's
 * script-tag bundle (dist/widget/id-contact-auth.js): registers
 * <id-contact-auth>. The element lives in auth/; this path stays because
 * the package's `exports` name it.
 */
export * from './auth/define.js';

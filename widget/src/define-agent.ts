/**
 * The package's `./agent` entry (dist/lib/define-agent.js) and the
 * employee's script-tag bundle (dist/widget/id-contact-agent.js): registers
 * <id-contact-agent>. The element lives in agent/; this path stays because
 * the package's `exports` name it.
 */
export * from './agent/define.js';

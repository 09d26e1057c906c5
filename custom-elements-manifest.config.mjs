/**
 * `npm run build:manifest`: dist/custom-elements.json, the custom-elements
 * manifest of <id-contact-auth> and <id-contact-agent> (what editors,
 * Storybook and framework wrappers read; package.json `customElements`),
 * from the elements' sources, their static `properties` (the Lit plugin) and
 * their JSDoc (`@fires`, `@csspart`, `@cssprop`, `@attr`).
 */
import { readFileSync } from 'node:fs';

const SOURCES = ['widget/src/auth/id-contact-auth.ts', 'widget/src/agent/id-contact-agent.ts', 'widget/src/shared/element.ts'];
const DEFINES = ['widget/src/auth/define.ts', 'widget/src/agent/define.ts'];

/** The published module for a source file: tsc builds widget/src into dist/lib. */
const published = (path) => path.replace(/^\/?widget\/src\//, 'dist/lib/').replace(/\.ts$/, '.js');

/**
 * What the analyzer cannot see or sees wrongly here: the elements are defined through
 * shared/register.ts, not by a `customElements.define` it recognises; `emit()`'s generic
 * dispatch reads as an event named `type`; a local in a method reads as a module variable.
 * The manifest describes the public interface only: no private or protected members.
 */
function publicInterface() {
  return {
    name: 'id-contact-public-interface',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        const exported = new Set((module.exports ?? []).map((entry) => entry.declaration?.name ?? entry.name));
        module.declarations = (module.declarations ?? []).filter((declaration) => declaration.kind === 'class' || exported.has(declaration.name));
        for (const declaration of module.declarations) {
          declaration.events = declaration.events?.filter((event) => event.name && event.name !== 'type');
          declaration.members = declaration.members?.filter((member) => !member.name.startsWith('#') && !['private', 'protected'].includes(member.privacy));
        }
        if (DEFINES.includes(module.path)) {
          const source = readFileSync(module.path, 'utf8');
          for (const [, tagName, className] of source.matchAll(/register\('([\w-]+)', (\w+)\)/g)) {
            const definedIn = customElementsManifest.modules.find((candidate) => candidate.declarations?.some((d) => d.name === className && d.tagName === tagName));
            module.exports = (module.exports ?? []).concat({ kind: 'custom-element-definition', name: tagName, declaration: { name: className, module: definedIn.path } });
          }
        }
      }
      // Paths as the package ships them (dist/lib), not as the repository holds them.
      const repath = (value) => {
        if (Array.isArray(value)) return value.forEach(repath);
        if (!value || typeof value !== 'object') return;
        for (const [key, inner] of Object.entries(value)) {
          if ((key === 'path' || key === 'module') && typeof inner === 'string' && /^\/?widget\/src\//.test(inner)) value[key] = published(inner);
          else repath(inner);
        }
      };
      repath(customElementsManifest.modules);
    },
  };
}

export default {
  globs: [...SOURCES, ...DEFINES],
  outdir: 'dist',
  litelement: true,
  // package.json names the manifest itself: the analyzer would rewrite it for every --outdir.
  packagejson: false,
  plugins: [publicInterface()],
};

/**
 * page-query.ts's functions as source to send into a page. A `__name` stand-in
 * comes along: under tsx the compiled functions call it to keep their names.
 */
import { findElements, isShown, type QueryStep } from './page-query.ts';

const PRELUDE = 'const __name = (f) => f;';

/** An expression whose value is the elements the steps find. */
export function elementsExpression(steps: QueryStep[]): string {
  return `(() => { ${PRELUDE} return (${findElements.toString()})(${JSON.stringify(steps)}); })()`;
}

/** An expression whose value is how many elements the steps find, and how many of those are shown. */
export function countsExpression(steps: QueryStep[]): string {
  return `(() => { ${PRELUDE} const found = (${findElements.toString()})(${JSON.stringify(steps)}); const shown = ${isShown.toString()}; return { all: found.length, shown: found.filter(shown).length }; })()`;
}

/** An expression that applies `fn` (source of `(elements) => value`) to the elements the steps find. */
export function withElementsExpression(steps: QueryStep[], fn: string): string {
  return `(() => { ${PRELUDE} return (${fn})((${findElements.toString()})(${JSON.stringify(steps)})); })()`;
}

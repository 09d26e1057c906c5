/**
 * Finding elements as a person does (by role and accessible name, by visible
 * text, or by CSS), looking into open shadow roots. `findElements` runs in the
 * page: each driver sends its source there, so it uses nothing outside itself.
 */

export type QueryStep =
  | { kind: 'css'; selector: string; hasText?: TextMatch }
  | { kind: 'role'; role: string; name?: TextMatch }
  | { kind: 'text'; text: TextMatch }
  | { kind: 'filter'; visible?: boolean; hasText?: TextMatch }
  | { kind: 'nth'; index: number };

/** A string (case-insensitive substring, or whole when exact) or a regular expression. */
export type TextMatch = { string: string; exact: boolean } | { regex: string; flags: string };

export function textMatch(text: string | RegExp, exact = false): TextMatch {
  return typeof text === 'string' ? { string: text, exact } : { regex: text.source, flags: text.flags };
}

/** In the page: the elements the steps lead to, in document order (shadow trees in place). */
export function findElements(steps: QueryStep[]): Element[] {
  const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();
  const matches = (value: string, match: TextMatch) => {
    const text = normalize(value);
    if ('regex' in match) return new RegExp(match.regex, match.flags).test(text);
    return match.exact ? text === normalize(match.string) : text.toLowerCase().includes(normalize(match.string).toLowerCase());
  };
  const descendants = (root: Element | Document | ShadowRoot): Element[] => {
    const found: Element[] = [];
    const visit = (node: Element | Document | ShadowRoot) => {
      if (node instanceof Element && node.shadowRoot) visit(node.shadowRoot);
      for (const child of node.children) {
        found.push(child);
        visit(child);
      }
    };
    visit(root);
    return found;
  };
  /** Text as the element shows it: its light DOM, or for a shadow host its shadow tree, without scripts and styles. */
  const textOf = (element: Element): string => {
    const source: Node = element.shadowRoot ?? element;
    let text = '';
    const walk = (node: Node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
        else if (child instanceof Element && !['SCRIPT', 'STYLE', 'TEMPLATE'].includes(child.tagName)) {
          if (child.shadowRoot) walk(child.shadowRoot);
          else walk(child);
          if (getComputedStyle(child).display !== 'inline') text += ' ';
        }
      }
    };
    walk(source);
    return text;
  };
  const visible = (element: Element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  const hiddenFromAccessibility = (element: Element): boolean => {
    for (let node: Element | null = element; node; node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host ?? null)) {
      if (node.getAttribute('aria-hidden') === 'true' || node.hasAttribute('hidden')) return true;
      if (getComputedStyle(node).display === 'none') return true;
    }
    return false;
  };
  const roleOf = (element: Element): string | undefined => {
    const explicit = element.getAttribute('role')?.split(/\s+/)[0];
    if (explicit) return explicit;
    const tag = element.localName;
    const type = (element.getAttribute('type') ?? 'text').toLowerCase();
    if (tag === 'button') return 'button';
    if (tag === 'input') {
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'radio') return 'radio';
      if (type === 'checkbox') return 'checkbox';
      if (['text', 'email', 'search', 'tel', 'url', 'password'].includes(type)) return 'textbox';
      return undefined;
    }
    if (tag === 'textarea') return 'textbox';
    // A single-choice select that shows one option at a time, as the widgets use.
    if (tag === 'select') return element.hasAttribute('multiple') || Number(element.getAttribute('size') ?? 0) > 1 ? 'listbox' : 'combobox';
    if (tag === 'a' && element.hasAttribute('href')) return 'link';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'ul' || tag === 'ol') return 'list';
    if (tag === 'li') return 'listitem';
    if (tag === 'fieldset') return 'group';
    if (tag === 'img') return element.getAttribute('alt') === '' ? 'presentation' : 'img';
    if (tag === 'dialog') return 'dialog';
    if (tag === 'nav') return 'navigation';
    if (tag === 'main') return 'main';
    if (tag === 'form') return 'form';
    if (tag === 'article') return 'article';
    if (tag === 'dl') return 'list';
    return undefined;
  };
  const nameOf = (element: Element): string => {
    const root = element.getRootNode() as Document | ShadowRoot;
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) {
      return labelledBy
        .split(/\s+/)
        .map((id) => root.getElementById(id))
        .filter((label): label is HTMLElement => label !== null)
        .map((label) => textOf(label))
        .join(' ');
    }
    const label = element.getAttribute('aria-label');
    if (label) return label;
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) {
      const labels = [...(element.labels ?? [])].map((l) => textOf(l)).join(' ');
      if (labels.trim()) return labels;
      if (element instanceof HTMLInputElement && ['button', 'submit', 'reset'].includes(element.type)) return element.value;
      return element.getAttribute('title') ?? element.getAttribute('placeholder') ?? '';
    }
    if (element.localName === 'fieldset') {
      const legend = element.querySelector(':scope > legend');
      return legend ? textOf(legend) : '';
    }
    if (element.localName === 'img') return element.getAttribute('alt') ?? '';
    if (['button', 'link', 'heading', 'listitem', 'radio', 'checkbox', 'tab', 'menuitem', 'option', 'cell'].includes(roleOf(element) ?? '')) {
      return textOf(element);
    }
    return element.getAttribute('title') ?? '';
  };
  /** Elements whose text matches and none of whose child elements' text does (the innermost). */
  const byText = (candidates: Element[], match: TextMatch) =>
    candidates.filter((element) => matches(textOf(element), match) && ![...(element.shadowRoot ?? element).children].some((child) => matches(textOf(child), match)));

  let scope: Array<Element | Document> = [document];
  for (const step of steps) {
    let next: Element[] = [];
    if (step.kind === 'filter') {
      next = (scope as Element[]).filter(
        (element) => (step.visible === undefined || visible(element) === step.visible) && (!step.hasText || matches(textOf(element), step.hasText)),
      );
    } else if (step.kind === 'nth') {
      const element = scope[step.index];
      next = element instanceof Element ? [element] : [];
    } else {
      for (const root of scope) {
        const all = descendants(root);
        if (step.kind === 'css') next.push(...all.filter((element) => element.matches(step.selector) && (!step.hasText || matches(textOf(element), step.hasText))));
        else if (step.kind === 'role') {
          next.push(...all.filter((element) => roleOf(element) === step.role && !hiddenFromAccessibility(element) && (!step.name || matches(nameOf(element), step.name))));
        } else next.push(...byText(all, step.text));
      }
      next = [...new Set(next)];
    }
    scope = next;
  }
  return scope.filter((element): element is Element => element instanceof Element);
}

/** In the page: whether an element is shown (a box of some size, not visibility: hidden). */
export function isShown(element: Element): boolean {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
}

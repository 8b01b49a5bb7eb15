/** Small DOM helpers: every text goes in through textContent, so names from a user's YAML stay text. */

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  attributes: Readonly<Record<string, string>> = {},
): HTMLTableElement {
  return el(
    'table',
    attributes,
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))),
  );
}

export function section(title: string, testId: string, ...children: readonly Child[]): HTMLElement {
  return el('section', { class: 'pc-section', 'data-testid': testId }, el('h2', {}, title), ...children);
}

/**
 * The page's small DOM helpers. Everything a device sends is shown as text: nodes are built
 * with createElement and given text, never HTML; an image only from bytes that are a PNG,
 * through a blob: URL of our making.
 */

type Child = Node | string;

/** An element with attributes (set as values, never parsed) and children (nodes, or text). */
export function el(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function button(label: string, onClick: () => unknown, attributes: Record<string, string> = {}): HTMLElement {
  const node = el("button", { type: "button", ...attributes }, label);
  node.addEventListener("click", () => void onClick());
  return node;
}

export const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** JSON typed in a field; a word that is not JSON is taken as a string. */
export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function isPng(b: Uint8Array): boolean {
  return b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}

/** Shows PNG bytes in `image` (its previous blob: URL given back once the new one loaded). */
export function showPng(image: HTMLImageElement, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
  image.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  image.src = url;
}

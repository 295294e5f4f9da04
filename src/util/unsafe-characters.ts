/**
 * Characters that text from the network must not carry unseen into a terminal, a log or a page:
 * C0 and C1 controls and DEL (escape sequences, line feeds that fake lines), the line and
 * paragraph separators, zero-width characters, and the bidirectional marks that reorder what is
 * shown. `keepLines` spares line feed and tab (a block of text, as opposed to one value).
 */
export function isUnsafeCharacter(code: number, keepLines = false): boolean {
  if (code < 0x20) return !(keepLines && (code === 0x0a || code === 0x09));
  if (code >= 0x7f && code <= 0x9f) return true;
  return (
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** Whether `text` holds any unsafe character (line feeds and tabs included). */
export function hasUnsafeCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isUnsafeCharacter(text.charCodeAt(i))) return true;
  return false;
}

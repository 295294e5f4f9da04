import { isUnsafeCharacter } from "../util/unsafe-characters.js";

/**
 * Text that came from the network (device names, signal arguments, remote tracebacks) made safe
 * for a terminal: control characters (C0, DEL, C1: escape sequences that retitle the window,
 * move the cursor or fake output) and the bidirectional marks that reorder what is shown are
 * written as visible escapes (`\x1b`, `\u202e`), and so are the characters that break or hide
 * text unseen (U+2028/U+2029 line and paragraph separators, zero-width characters).
 */

function escapeUnsafe(text: string, keepLines: boolean): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafeCharacter(code, keepLines)) continue;
    out += text.slice(start, i) + (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, "0");
}

/** A whole block of output: line breaks and tabs stay, every other control is escaped. */
export function terminalSafe(text: string): string {
  return escapeUnsafe(text, true);
}

/**
 * A block that came from the network, each line after `prefix` (a remote traceback): escaped as
 * terminalSafe, and its line feeds cannot start lines that pass for the command's own output.
 */
export function quoted(text: string, prefix = "  | ", first = prefix): string {
  return `${first}${escapeUnsafe(text, true).replaceAll("\n", `\n${prefix}`)}`;
}

/** One value on a line (a name, an address): line breaks and tabs are escaped too. */
export function inline(text: unknown): string {
  return escapeUnsafe(String(text), false);
}

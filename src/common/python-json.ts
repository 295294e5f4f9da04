const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const SENTINEL = "\u0000plantrpc-nonfinite:";

/**
 * JSON.parse, plus the NaN / Infinity / -Infinity literals that Python's json module writes
 * for non-finite floats.
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
  }
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const literal = ["-Infinity", "Infinity", "NaN"].find((l) => text.startsWith(l, i));
    if (literal) {
      out += JSON.stringify(SENTINEL + literal);
      i += literal.length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_k, v) =>
    typeof v === "string" && v.startsWith(SENTINEL) ? NON_FINITE[v.slice(SENTINEL.length)] : v,
  );
}

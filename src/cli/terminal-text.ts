// Text from functions, made safe to print on the operator's terminal: every character a terminal
// acts on instead of showing — C0 controls but TAB (CR, ESC, BS, …), DEL, the C1 controls
// (U+0080–U+009F, where U+009B is a CSI of its own), the Unicode line/paragraph separators and
// the bidirectional embedding/override/isolate controls — is written as a visible escape
// (`\r`, `\n`, `\x1b`, `\u202e`), so a handler cannot move the cursor, erase or recolour lines,
// or reorder what the operator reads (LAMBDA-BEHAVIOUR D25). Backslashes are left as they are:
// `--json` gives the exact text.

/** Whether the terminal would act on the character instead of showing it. */
function isHidden(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

function escapeOf(code: number): string {
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/** `text` with every hidden character written as a visible escape; TAB and printable text unchanged. */
export function visibleControls(text: string): string {
  return replaceHidden(text, escapeOf);
}

/** Multi-line text (a log tail) with each line's hidden characters made visible; its newlines kept. */
export function visibleLines(text: string): string {
  return text.split('\n').map(visibleControls).join('\n');
}

/**
 * One line of JSON that is also safe on a terminal: JSON.stringify escapes C0 controls itself but
 * leaves DEL, C1 and the Unicode controls raw; inside JSON strings they become `\uXXXX`, which
 * any JSON parser reads back as the same character.
 */
export function terminalSafeJson(value: unknown): string {
  return replaceHidden(JSON.stringify(value), (code) => `\\u${hex(code, 4)}`);
}

function replaceHidden(text: string, escape: (code: number) => string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isHidden(code)) continue;
    out += text.slice(start, i) + escape(code);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

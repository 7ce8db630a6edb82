/**
 * Control characters and terminal escape sequences in log text. CLIs and dev servers colour their lines with SGR
 * sequences (`ESC[31m` … `ESC[0m`, ECMA-48 "select graphic rendition"): a message keeps those, for the reader to
 * show as colour and the plain-text outputs to strip. Every other escape sequence (cursor movement, erasing a
 * line, window titles, hyperlinks, charset switches) means nothing away from the terminal it was written for and
 * is removed whole, rather than leaving its printable tail (`[2K`) in the text.
 *
 * Other control characters are removed because the engine returns them raw (NUL even as "0") and they make its
 * JSON output invalid; newlines and tabs are kept, as part of multi-line messages.
 */

/** One SGR sequence: ESC, `[`, parameters (digits, `;`, `:`), `m`. */
export const SGR_PATTERN = /\u001b\[[0-9;:]*m/g;

// Any CSI sequence (ESC [ parameters intermediates final byte; SGR among them), an OSC sequence (ESC ] … BEL or
// ESC \, bounded so an unterminated one costs little), a charset designation (`ESC(B`, which `tput sgr0`
// writes), or a single control character (a lone ESC among them). Replaced with a string, not a function: a
// message of a million sequences is cleaned in milliseconds.
const ESCAPES = String.raw`\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]{0,4096}(?:\u0007|\u001b\\)|\u001b[()*+][ -~]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]`;
const ALL_CONTROLS = new RegExp(ESCAPES, "g");
const CONTROLS_BUT_SGR = new RegExp(String.raw`(?!\u001b\[[0-9;:]*m)(?:${ESCAPES})`, "g");

/** Whether the text may hold something removeControls would change. */
const MAY_HOLD_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Control characters and escape sequences removed; SGR sequences kept when `keepSgr`. */
export function removeControls(text: string, keepSgr: boolean): string {
  if (!MAY_HOLD_CONTROLS.test(text)) return text;
  return text.replace(keepSgr ? CONTROLS_BUT_SGR : ALL_CONTROLS, "");
}

/** The text as a terminal would show its characters: SGR sequences removed. */
export function stripSgr(text: string): string {
  return text.includes("\u001b") ? text.replace(SGR_PATTERN, "") : text;
}

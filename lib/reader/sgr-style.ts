/**
 * A message's colour (SGR) sequences as styles for the reader: the runs of text between the sequences, each with
 * the classes of the colours and weight in effect, by offsets into the message as stored (the API's highlight
 * offsets count the sequences' characters too). Only a closed set of class names comes out (`ansi-fg-0` to
 * `ansi-fg-15`, `ansi-bg-0` to `ansi-bg-15`, `ansi-bold`, `ansi-dim`, `ansi-italic`, `ansi-underline`), and the
 * stylesheet gives the 16 colours per theme, so each stays readable on the light and the dark background.
 * 256-colour and 24-bit colours are shown as the nearest of the 16; inverse, blink and the like are left out.
 */
export type StyledRun = { start: number; end: number; className: string };

type Style = {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
};

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };

// An SGR sequence; one cut short at the end of the text (a collapsed row shows a prefix of a long message); or a
// lone ESC. Only the first changes the style; all three are hidden.
const ESCAPE = /\u001b(?:\[([0-9;:]*)(?:m|$))?/g;

// xterm's 16 colours, to find the nearest one for a 256-colour or 24-bit colour.
const BASIC_RGB = [
  [0, 0, 0],
  [205, 0, 0],
  [0, 205, 0],
  [205, 205, 0],
  [0, 0, 238],
  [205, 0, 205],
  [0, 205, 205],
  [229, 229, 229],
  [127, 127, 127],
  [255, 0, 0],
  [0, 255, 0],
  [255, 255, 0],
  [92, 92, 255],
  [255, 0, 255],
  [0, 255, 255],
  [255, 255, 255],
] as const;

function nearestBasic(r: number, g: number, b: number): number | null {
  if (![r, g, b].every((v) => Number.isFinite(v))) return null;
  let best = 0;
  let bestDistance = Infinity;
  BASIC_RGB.forEach(([br, bg, bb], i) => {
    const d = (r - br) ** 2 + (g - bg) ** 2 + (b - bb) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

/** One of the 16 for an xterm 256-colour index. */
function paletteColor(n: number): number | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n >= 232) {
    const grey = 8 + 10 * (n - 232);
    return nearestBasic(grey, grey, grey);
  }
  const c = n - 16;
  return nearestBasic(
    CUBE_LEVELS[Math.floor(c / 36)]!,
    CUBE_LEVELS[Math.floor(c / 6) % 6]!,
    CUBE_LEVELS[c % 6]!,
  );
}

/**
 * An extended colour (38 foreground, 48 background, 58 underline) from `38;5;n`, `38;2;r;g;b`, or their colon
 * forms `38:5:n`, `38:2:r:g:b`, `38:2:<colour space>:r:g:b`; returns the colour and how many `;` parameters it
 * took beyond its own.
 */
function extendedColor(own: string[], rest: string[]): { color: number | null; taken: number } {
  if (own.length > 0) {
    const args = own.map(Number);
    if (args[0] === 5) return { color: paletteColor(args[1]!), taken: 0 };
    if (args[0] === 2) {
      const [r, g, b] = args.slice(-3);
      return { color: nearestBasic(r!, g!, b!), taken: 0 };
    }
    return { color: null, taken: 0 };
  }
  const mode = Number(rest[0]);
  if (mode === 5) return { color: paletteColor(Number(rest[1])), taken: 2 };
  if (mode === 2) {
    const [r, g, b] = rest.slice(1, 4).map(Number);
    return { color: nearestBasic(r!, g!, b!), taken: 4 };
  }
  return { color: null, taken: 1 };
}

function applySgr(style: Style, params: string): Style {
  const s = { ...style };
  const codes = params.split(";");
  for (let i = 0; i < codes.length; i++) {
    const [head, ...sub] = codes[i]!.split(":");
    const code = head === "" ? 0 : Number(head);
    if (code === 38 || code === 48 || code === 58) {
      const { color, taken } = extendedColor(sub, codes.slice(i + 1));
      i += taken;
      if (code === 38) s.fg = color;
      else if (code === 48) s.bg = color;
    } else if (code === 0) Object.assign(s, PLAIN);
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) s.underline = sub[0] !== "0";
    else if (code === 21) s.underline = true;
    else if (code === 22) s.bold = s.dim = false;
    else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = false;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code === 49) s.bg = null;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
  }
  return s;
}

function classNameOf(s: Style): string {
  const names: string[] = [];
  if (s.fg !== null) names.push(`ansi-fg-${s.fg}`);
  if (s.bg !== null) names.push(`ansi-bg-${s.bg}`);
  if (s.bold) names.push("ansi-bold");
  if (s.dim) names.push("ansi-dim");
  if (s.italic) names.push("ansi-italic");
  if (s.underline) names.push("ansi-underline");
  return names.join(" ");
}

/** The text's runs between escape sequences, with their styles; a text without ESC is one plain run. */
export function sgrRuns(text: string): StyledRun[] {
  if (!text.includes("\u001b")) return text === "" ? [] : [{ start: 0, end: text.length, className: "" }];
  const runs: StyledRun[] = [];
  let style = PLAIN;
  let pos = 0;
  for (const m of text.matchAll(ESCAPE)) {
    if (m.index > pos) runs.push({ start: pos, end: m.index, className: classNameOf(style) });
    if (m[1] !== undefined && m[0].endsWith("m")) style = applySgr(style, m[1]);
    pos = m.index + m[0].length;
  }
  if (pos < text.length) runs.push({ start: pos, end: text.length, className: classNameOf(style) });
  return runs;
}

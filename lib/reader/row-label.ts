import { sgrRuns } from "./sgr-style";

/** Enough of a message to tell lines apart when a screen reader reads a row's name; the cells hold the rest. */
export const LABEL_MESSAGE_CHARS = 200;

/**
 * A row's accessible name: its time as shown, its level and its message as plain text on one line, colour
 * sequences left out and cut at `maxChars`. A row's own text would also read its columns and buttons, and all
 * of a 1 MB message.
 */
export function rowLabel(
  time: string,
  level: string,
  message: string,
  maxChars = LABEL_MESSAGE_CHARS,
): string {
  // Only the first part of the message can be read out: a huge line is not decoded whole for it.
  const head = message.slice(0, maxChars * 4 + 64);
  const plain = sgrRuns(head)
    .map((r) => head.slice(r.start, r.end))
    .join("")
    .replace(/\s+/g, " ")
    .trim();
  const text =
    plain.length > maxChars || head.length < message.length
      ? `${plain.slice(0, maxChars).trimEnd()}…`
      : plain;
  return [time, level, text].filter((s) => s !== "").join(" ");
}

import { describe, expect, it } from "vitest";
import { parsePlainLine } from "./line-parsers";
import { MultilineJoiner } from "./multiline";

const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);
const OPTS = { maxLines: 500, maxBytes: 512 * 1024, idleMs: 500 };

/** Feeds lines as the tailer does; returns each record's message. */
function join(lines: string[], opts = OPTS): string[] {
  const joiner = new MultilineJoiner(opts);
  const out: string[] = [];
  const take = () => {
    const t = joiner.take();
    if (t) out.push(t.message);
  };
  let offset = 0;
  for (const line of lines) {
    const end = offset + Buffer.byteLength(line) + 1;
    if (line.trim() === "") joiner.extendBlank(end, NOW);
    else if (!joiner.tryAppend(line, end, NOW)) {
      take();
      joiner.hold(parsePlainLine(line, NOW), offset, end, NOW);
    }
    offset = end;
  }
  take();
  return out;
}

describe("MultilineJoiner", () => {
  it("joins lines without a timestamp to a timestamped record", () => {
    expect(
      join([
        "2026-11-21 13:45:01,123 ERROR failed",
        "Traceback (most recent call last):",
        '  File "a.py", line 1, in <module>',
        "KeyError: 'x'",
        "2026-11-21 13:45:02,000 INFO ok",
      ]),
    ).toEqual([
      "2026-11-21 13:45:01,123 ERROR failed\nTraceback (most recent call last):\n  File \"a.py\", line 1, in <module>\nKeyError: 'x'",
      "2026-11-21 13:45:02,000 INFO ok",
    ]);
  });

  it("reads the look of a coloured line as a terminal shows it", () => {
    expect(
      join([
        "\u001b[2m2026-11-21 13:45:01\u001b[0m \u001b[31mERROR\u001b[0m failed",
        "\u001b[31mTraceback (most recent call last):\u001b[0m",
        "\u001b[2m2026-11-21 13:45:02\u001b[0m INFO ok",
      ]),
    ).toEqual([
      "\u001b[2m2026-11-21 13:45:01\u001b[0m \u001b[31mERROR\u001b[0m failed\n\u001b[31mTraceback (most recent call last):\u001b[0m",
      "\u001b[2m2026-11-21 13:45:02\u001b[0m INFO ok",
    ]);
  });

  it("keeps blank lines inside a timestamped record but not at its end", () => {
    expect(join(["2026-11-21 13:45:01 ERROR a", "x", "", "y", "", ""])).toEqual([
      "2026-11-21 13:45:01 ERROR a\nx\n\ny",
    ]);
  });

  it("in a file without timestamps, joins only indented and known continuation lines", () => {
    expect(
      join([
        "Exception in thread main",
        "\tat A.b(A.java:1)",
        "Caused by: java.io.IOException",
        "other line",
        "more",
      ]),
    ).toEqual([
      "Exception in thread main\n\tat A.b(A.java:1)\nCaused by: java.io.IOException",
      "other line",
      "more",
    ]);
  });

  it("does not join a JSON line or a syslog line to the record before it", () => {
    expect(join(["2026-11-21 13:45:01 INFO a", '{"msg":"b"}', "<13>Nov 21 13:45:01 h app: c"])).toEqual([
      "2026-11-21 13:45:01 INFO a",
      '{"msg":"b"}',
      "<13>Nov 21 13:45:01 h app: c",
    ]);
  });

  it("starts a new record at the line and byte limits", () => {
    expect(join(["2026-11-21 13:45:01 E", "  1", "  2", "  3"], { ...OPTS, maxLines: 2 })).toEqual([
      "2026-11-21 13:45:01 E\n  1",
      "  2\n  3",
    ]);
    expect(join(["2026-11-21 13:45:01 E", "  1", "  2"], { ...OPTS, maxBytes: 26 })).toEqual([
      "2026-11-21 13:45:01 E\n  1",
      "  2",
    ]);
  });

  it("is idle once no line came for idleMs", () => {
    const joiner = new MultilineJoiner(OPTS);
    expect(joiner.idle(NOW)).toBe(false);
    joiner.hold(parsePlainLine("x", NOW), 0, 2, NOW);
    expect(joiner.idle(NOW + 499)).toBe(false);
    expect(joiner.idle(NOW + 500)).toBe(true);
  });
});

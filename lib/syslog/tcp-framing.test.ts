import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SyslogFramer, type Frame } from "./tcp-framing";

const texts = (frames: Frame[]) => frames.map((f) => (f.ok ? f.data.toString() : `!${f.reason}`));

/** Every frame of `input` fed in chunks of `size` bytes, and what end() adds. */
function frame(input: string, size = input.length, max = 100): string[] {
  const framer = new SyslogFramer(max);
  const buf = Buffer.from(input);
  const out: Frame[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(...framer.push(buf.subarray(i, i + size)));
  out.push(...framer.end());
  return texts(out);
}

describe("SyslogFramer", () => {
  it("cuts newline-framed messages, CRLF and blank lines included, and the last one without LF", () => {
    expect(frame("<13>a\r\n\n<13>b\n<13>c")).toEqual(["<13>a", "<13>b", "<13>c"]);
  });

  it("cuts octet-counted frames, which may hold newlines, and mixed framings", () => {
    const input = "12 <13>line\nend8 <13>done<14>after\n";
    expect(frame(input)).toEqual(["<13>line\nend", "<13>done", "<14>after"]);
  });

  it("gives the same frames whatever the chunks the stream arrives in", () => {
    const input = "12 <13>line\nend8 <13>done<14>after\n5 <1>x\n";
    const whole = frame(input);
    for (const size of [1, 2, 3, 7]) expect(frame(input, size)).toEqual(whole);
  });

  it("skips a frame over the limit, by its count or to its LF, and goes on", () => {
    const long = "x".repeat(150);
    expect(frame(`150 ${long}4 <1>a`)).toEqual(["!frame of 150 bytes is over the limit of 100", "<1>a"]);
    expect(frame(`<1>${long}\n<1>b\n`, 16)).toEqual(["!line of more than 100 bytes without LF", "<1>b"]);
    expect(frame(`<1>${long}\n<1>b\n`)).toEqual(["!line of 153 bytes is over the limit of 100", "<1>b"]);
  });

  it("reads digits without a space after them as the start of a line, not a count", () => {
    expect(frame("2026-12-04 plain line\n007 zero\n")).toEqual(["2026-12-04 plain line", "007 zero"]);
  });

  it("says so when the stream ends inside a counted frame", () => {
    expect(frame("20 <13>short")).toEqual(["!the stream ended inside an octet-counted frame"]);
  });
});

describe("SyslogFramer, any stream", () => {
  it("gives back every message, whichever framing each took and however the stream was cut", () => {
    const message = fc.stringMatching(/^<\d{1,2}>[ -~\n]{0,60}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(message, fc.boolean()), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        (messages, cuts) => {
          // A newline-framed message cannot hold a newline, nor end in CR; octet counting can hold anything.
          const sent = messages.map(([m, counted]) =>
            (counted ? m : m.replace(/\n/g, " ")).replace(/[\r\n]+$/, ""),
          );
          const stream = Buffer.concat(
            messages.map(([, counted], i) =>
              Buffer.from(counted ? `${Buffer.byteLength(sent[i]!)} ${sent[i]}` : `${sent[i]}\n`),
            ),
          );
          const framer = new SyslogFramer(1000);
          const out: Frame[] = [];
          for (let at = 0, k = 0; at < stream.length; k++) {
            const size = cuts[k % cuts.length]!;
            out.push(...framer.push(stream.subarray(at, at + size)));
            at += size;
          }
          out.push(...framer.end());
          expect(texts(out)).toEqual(sent);
        },
      ),
    );
  });
});

import { describe, expect, it } from "vitest";
import { stringifyRecord } from "./to-json";

const parse = (o: object) => JSON.parse(stringifyRecord(o)) as Record<string, unknown>;

describe("stringifyRecord", () => {
  it("leaves out Symbol keys", () => {
    const o = { message: "hi", [Symbol.for("level")]: "info", [Symbol.for("message")]: '{"formatted":1}' };
    expect(stringifyRecord(o)).toBe('{"message":"hi"}');
  });

  it("writes an Error as its name, message, stack, cause and own fields", () => {
    const err = Object.assign(new Error("disk full", { cause: new TypeError("ENOSPC") }), { code: "E_DISK" });
    const out = parse({ message: "save failed", err });
    expect(out.err).toEqual({
      name: "Error",
      message: "disk full",
      stack: err.stack,
      cause: { name: "TypeError", message: "ENOSPC", stack: (err.cause as Error).stack },
      code: "E_DISK",
    });
  });

  it("replaces a reference cycle with [Circular] but keeps an object seen twice without a cycle", () => {
    const shared = { id: 1 };
    const a: Record<string, unknown> = { message: "loop", shared, again: shared };
    a.self = a;
    const err = new Error("self-referencing") as Error & { owner?: unknown };
    err.owner = err;
    a.err = err;
    const out = parse(a);
    expect(out.self).toBe("[Circular]");
    expect(out.again).toEqual({ id: 1 });
    expect((out.err as Record<string, unknown>).owner).toBe("[Circular]");
  });

  it("writes bigints as strings, non-finite numbers as null, dates as ISO, and omits functions", () => {
    const out = parse({
      n: 12345678901234567890n,
      inf: Infinity,
      at: new Date(0),
      fn: () => 1,
      list: [undefined, () => 1, NaN],
    });
    expect(out).toEqual({
      n: "12345678901234567890",
      inf: null,
      at: "1970-01-01T00:00:00.000Z",
      list: [null, null, null],
    });
  });

  it("never throws: a throwing getter leaves the message and the reason", () => {
    const o = {
      message: "still here",
      get bad(): never {
        throw new Error("getter exploded");
      },
    };
    expect(parse(o)).toEqual({ message: "still here", serializationError: "getter exploded" });
  });

  it("keeps a key named __proto__ as a field", () => {
    expect(parse(JSON.parse('{"__proto__": {"x": 1}, "message": "m"}') as object)).toEqual(
      JSON.parse('{"__proto__": {"x": 1}, "message": "m"}'),
    );
  });
});

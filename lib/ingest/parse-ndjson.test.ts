import { describe, expect, it } from "vitest";
import { routingKeyMatching } from "@/lib/amqp/topology";
import { parseNdjson } from "./parse-ndjson";

describe("parseNdjson", () => {
  it("takes one record per line and skips blank lines", () => {
    expect(parseNdjson('{"message":"a"}\n\n{"msg":"b","level":"warn"}\n')).toEqual({
      ok: true,
      records: ['{"message":"a"}', '{"msg":"b","level":"warn"}'],
    });
  });
  it("refuses the whole body and names every bad line", () => {
    const r = parseNdjson('{"message":"ok"}\nnot json\n[1]\n{"level":"info"}');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      expect.stringMatching(/^line 2: not JSON/),
      "line 3: not a JSON object",
      "line 4: no message text (a string in message, msg, @message or log)",
    ]);
  });
});

describe("routingKeyMatching", () => {
  it("fills * words and drops # so the index's own binding matches", () => {
    expect(routingKeyMatching("*.demo.#", "http")).toBe("http.demo");
    expect(routingKeyMatching("apps.billing.*", "http")).toBe("apps.billing.http");
    expect(routingKeyMatching("logs.exact", "http")).toBe("logs.exact");
  });
});

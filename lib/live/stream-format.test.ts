import { describe, expect, it } from "vitest";
import type { LogRecord } from "@/lib/query/wire";
import { STREAM_KEEPALIVE, streamLine, streamNote } from "./stream-format";

const base: LogRecord = {
  id: "1",
  ts: 1_795_000_000_123,
  seq: "0",
  time: "2026-11-18T09:46:40.123Z",
  message: "GET /api/orders/42 500",
  level: "error",
  logger: "shop.views",
  host: "web-01",
  fields: {},
  highlights: [],
};

describe("stream lines", () => {
  it("writes <time> <app>[<proc>] <host>: <message>", () => {
    expect(streamLine("shop", base)).toBe(
      "2026-11-18T09:46:40.123Z shop[shop.views] web-01: GET /api/orders/42 500\n",
    );
  });

  it("indents the further lines of a multi-line message by two spaces", () => {
    const r = { ...base, message: "boom\nTraceback:\r\n  File x\n" };
    expect(streamLine("shop", r)).toBe(
      "2026-11-18T09:46:40.123Z shop[shop.views] web-01: boom\n  Traceback:\n    File x\n",
    );
  });

  it("writes - for an empty logger or host", () => {
    expect(streamLine("a", { ...base, logger: "", host: "" })).toBe(
      "2026-11-18T09:46:40.123Z a[-] -: GET /api/orders/42 500\n",
    );
  });

  it("writes its own notes as # lines", () => {
    expect(STREAM_KEEPALIVE).toBe("# keepalive\n");
    expect(streamNote("3 lines\nnot shown")).toBe("# 3 lines not shown\n");
  });
});

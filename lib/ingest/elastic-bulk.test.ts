import { describe, expect, it } from "vitest";
import { bulkMessageId, bulkResponse, mapElasticDocument, parseBulk } from "./elastic-bulk";

const ndjson = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

describe("parseBulk", () => {
  it("pairs index and create actions with their documents, the URL's index as the default", () => {
    const r = parseBulk(
      ndjson(
        { index: {} },
        { message: "a" },
        { create: { _index: "logs-x", _id: "7" } },
        { message: "b", "log.level": "warn" },
      ),
      "from-url",
    );
    expect(
      r.ok &&
        r.items.map((i) => [i.op, i.esIndex, i.clientId, "record" in i && (JSON.parse(i.record) as unknown)]),
    ).toEqual([
      ["index", "from-url", false, { message: "a" }],
      ["create", "logs-x", true, { message: "b", level: "warn" }],
    ]);
    expect(r.ok && r.items[1]!.id).toBe("7");
  });

  it("marks the documents that carry a time of their own, whose ids may then come from their text", () => {
    const r = parseBulk(
      ndjson(
        { index: {} },
        { message: "a", "@timestamp": "2026-01-01T00:00:00Z" },
        { index: {} },
        { message: "b" },
      ),
      "i",
    );
    expect(r.ok && r.items.map((i) => "record" in i && i.timed)).toEqual([true, false]);
  });

  it("fails only the item whose document is bad or unsupported, keeping the framing of the rest", () => {
    const body = [
      '{"index":{"_index":"a"}}',
      "{not json",
      '{"delete":{"_index":"a","_id":"1"}}',
      '{"update":{"_index":"a","_id":"2"}}',
      '{"doc":{"message":"x"}}',
      '{"index":{"_index":"a"}}',
      '{"level":"info"}',
      '{"index":{}}',
      '{"message":"no index"}',
      '{"create":{"_index":"a"}}',
      '{"message":"fine"}',
    ].join("\n");
    const r = parseBulk(body);
    expect(r.ok).toBe(true);
    const items = r.ok ? r.items : [];
    expect(items.map((i) => ("error" in i ? [i.op, i.status, i.error.type] : [i.op, "ok"]))).toEqual([
      ["index", 400, "document_parsing_exception"],
      ["delete", 400, "illegal_argument_exception"],
      ["update", 400, "illegal_argument_exception"],
      ["index", 400, "document_parsing_exception"],
      ["index", 400, "action_request_validation_exception"],
      ["create", "ok"],
    ]);
    expect("error" in items[3]! && items[3].error.reason).toMatch(/no message text/);
  });

  it("refuses the whole request when an action line cannot be framed, naming the line", () => {
    expect(parseBulk('{"index":{}}\n{"message":"a"}\n{"upsert":{}}\n{}')).toEqual({
      ok: false,
      error: {
        type: "illegal_argument_exception",
        reason:
          "Malformed action/metadata line [3]: expected one of [create, delete, index, update] but found [upsert]",
      },
    });
    expect(parseBulk("nope").ok).toBe(false);
    expect(parseBulk('{"index":{},"create":{}}').ok).toBe(false);
  });

  it("fails an action left without its document line", () => {
    const r = parseBulk('{"index":{"_index":"a"}}\n');
    expect(r.ok && r.items.map((i) => "error" in i && i.error.reason)).toEqual(["no document line"]);
  });
});

describe("mapElasticDocument", () => {
  it("lifts ECS names written nested, keeping the rest of their objects as fields", () => {
    expect(
      mapElasticDocument({
        message: "m",
        log: { level: "error", file: { path: "/var/log/x" } },
        host: { name: "web-1", os: { family: "debian" } },
        service: { name: "billing", version: "2" },
      }),
    ).toEqual({
      message: "m",
      level: "error",
      log: { file: { path: "/var/log/x" } },
      hostname: "web-1",
      host: { os: { family: "debian" } },
      logger: "billing",
      service: { version: "2" },
    });
  });

  it("lifts them written dotted, and prefers log.logger to service.name", () => {
    expect(
      mapElasticDocument({
        message: "m",
        "log.level": "info",
        "host.name": "h",
        "log.logger": "app.db",
        "service.name": "svc",
      }),
    ).toEqual({ message: "m", level: "info", hostname: "h", logger: "app.db", "service.name": "svc" });
  });

  it("leaves a document's own level, logger and host alone", () => {
    const doc = { message: "m", level: 30, name: "pino-app", hostname: "box", log: { level: "x" } };
    expect(mapElasticDocument(doc)).toEqual(doc);
  });

  it("keeps a document that needs no mapping as it was sent, byte for byte", () => {
    const source = '{"message":"m","@timestamp":"2026-03-01T10:00:00Z","big":12345678901234567890}';
    const r = parseBulk(`{"index":{"_index":"i"}}\n${source}\n`);
    expect(r.ok && "record" in r.items[0]! && r.items[0].record).toBe(source);
  });

  it("turns Logstash's text @timestamp into epoch microseconds, keeping its sub-millisecond part", () => {
    expect(
      mapElasticDocument({ message: "m", "@timestamp": "2026-03-01T10:00:00.123456Z", "@version": "1" }),
    ).toEqual({
      message: "m",
      "@timestamp": Date.UTC(2026, 2, 1, 10, 0, 0, 123) * 1000 + 456,
      "@version": "1",
    });
    expect(mapElasticDocument({ message: "m", "@timestamp": "yesterday" })["@timestamp"]).toBe("yesterday");
  });
});

describe("bulkResponse", () => {
  const parsed = parseBulk(
    ndjson({ index: { _index: "i" } }, { message: "a" }, { delete: { _index: "i", _id: "9" } }),
  );
  const items = parsed.ok ? parsed.items : [];

  it("answers each item with its status, errors true when any failed", () => {
    const r = bulkResponse(items, "stored", 3.4);
    expect(r.took).toBe(3);
    expect(r.errors).toBe(true);
    const [stored, deleted] = r.items;
    expect(Object.keys(stored!)).toEqual(["index"]);
    expect(stored!.index).toMatchObject({ _index: "i", status: 201, result: "created", _id: items[0]!.id });
    expect(Object.keys(deleted!)).toEqual(["delete"]);
    expect(deleted!.delete).toMatchObject({
      _id: "9",
      status: 400,
      error: { type: "illegal_argument_exception" },
    });
  });

  it("answers 429 for every storable item when the broker is away, so clients send those again", () => {
    const r = bulkResponse(items, "unavailable", 1);
    expect(r.items.map((i) => Object.values(i)[0]!.status)).toEqual([429, 400]);
    expect(bulkResponse(items.slice(0, 1), "stored", 1).errors).toBe(false);
  });
});

describe("bulkMessageId", () => {
  it("scopes a client's _id by its index, and keeps a made-up id as it is", () => {
    expect(bulkMessageId({ esIndex: "a", id: "1", clientId: true })).toBe("es:a/1");
    expect(bulkMessageId({ esIndex: "a", id: "u-u-i-d", clientId: false })).toBe("u-u-i-d");
    expect(bulkMessageId({ esIndex: "a", id: "x".repeat(500), clientId: true })).toMatch(/^es:[0-9a-f]{64}$/);
  });
});

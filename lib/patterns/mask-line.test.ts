import { describe, expect, it } from "vitest";
import { maskLine, maskText, stackOfFields } from "./mask-line";

describe("maskText", () => {
  it.each([
    ["took 5000ms at 3.9G", "took <_>ms at <_>G"],
    ["id=123 user:42 blk_-6952295868487656571", "id=<_> user:<_> blk_<_>"],
    ["python3 utf8 HikariPool-1", "python3 utf8 HikariPool-<_>"],
    ["from 10.251.39.64:55636 to [191.207.36.183]", "from <_> to [<_>]"],
    ["trace 3f2a9c1b7e4d0a55 at 0xdeadbeef", "trace <_> at <_>"],
    ["req 123e4567-e89b-12d3-a456-426614174000 done", "req <_> done"],
    ["GET /api/orders/123 and /healthz", "GET <_> and /healthz"],
    ["GET /api/search?q=caf%C3%A9", "GET <_>"],
    ["written to s3://shop-exports/a1b2.csv.gz", "written to <_>"],
    ['user "josé" added "Café Crème 1kg"', 'user "<_>" added "<_>"'],
    ["can't encode character '\\xe9' in position 3", "can't encode character '<_>' in position <_>"],
    ["a deadbeef word and 404", "a deadbeef word and <_>"],
  ])("%s", (line, masked) => {
    expect(maskText(line)).toBe(masked);
  });
});

describe("maskLine on stack traces", () => {
  const python = [
    "unhandled error rendering order 4242",
    "Traceback (most recent call last):",
    '  File "/srv/shop/shop/views/orders.py", line 88, in invoice_pdf',
    "    pdf = render_invoice(order)",
    '  File "/srv/shop/shop/invoices.py", line 12, in render_invoice',
    "    out.write(customer.name.encode('ascii'))",
    "UnicodeEncodeError: 'ascii' codec can't encode character",
  ].join("\n");

  it("keeps the first line and takes the Python exception and its innermost frame", () => {
    expect(maskLine(python)).toEqual({
      tokens: ["unhandled", "error", "rendering", "order", "<_>"],
      trace: { type: "UnicodeEncodeError", frame: "render_invoice" },
    });
  });

  it("reads a Node stack logged in the message after the first line's text", () => {
    const node =
      "webhook handler crashed for order 12: SyntaxError: Unexpected token '<'\n" +
      "    at JSON.parse (<anonymous>)\n    at WebhookController.receive (/app/dist/controllers/webhooks.js:10:3)";
    expect(maskLine(node)).toEqual({
      tokens: ["webhook", "handler", "crashed", "for", "order", "<_>"],
      trace: { type: "SyntaxError", frame: "JSON.parse" },
    });
  });

  it("reads a Node stack kept in a field the same way", () => {
    const stack = "SyntaxError: Unexpected token '<'\n    at JSON.parse (<anonymous>)";
    expect(maskLine("webhook handler crashed for order 13", stack)).toEqual(
      maskLine(`webhook handler crashed for order 12: ${stack}`),
    );
  });

  it("reads a JVM stack: exception line, then tab-indented frames", () => {
    const java = [
      "upstream inventory-service responded 500 for GET /stock/77:",
      "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available",
      "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
      "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
      "\t... 40 more",
    ].join("\n");
    expect(maskLine(java)).toEqual({
      tokens: ["upstream", "inventory-service", "responded", "<_>", "for", "GET", "<_>"],
      trace: {
        type: "java.sql.SQLTransientConnectionException",
        frame: "com.zaxxer.hikari.pool.HikariPool.createTimeoutException",
      },
    });
  });

  it("leaves a multi-line message without frames as its first line", () => {
    expect(maskLine("config reloaded\nkeys: 12")).toEqual({ tokens: ["config", "reloaded"] });
  });

  it("finds a stack in the fields producers keep it in", () => {
    expect(stackOfFields({ exc_info: "Traceback\n  x" })).toBe("Traceback\n  x");
    expect(stackOfFields({ err: { stack: "E: x\n    at f (a.js:1:1)" } })).toBe("E: x\n    at f (a.js:1:1)");
    expect(stackOfFields({ stack: "one line" })).toBeUndefined();
  });
});

describe("maskLine on huge lines", () => {
  it("clusters a first line of a megabyte by its beginning", () => {
    const huge = `huge line ${"x".repeat(1_000_000)}`;
    const masked = maskLine(huge);
    expect(masked.tokens[0]).toBe("huge");
    expect(masked.tokens.join(" ").length).toBeLessThanOrEqual(2_000);
  });
});

import { describe, expect, it } from "vitest";
import { fieldForm, fieldWords, isPieced, piecedTerm } from "./engine-words";

describe("field words", () => {
  it("are the words of every string value, nested and in arrays, without keys or numbers", () => {
    expect(
      fieldWords({
        service: "shop-web",
        status: 502,
        req: { url: "/api/Orders?page=2", tags: ["eu", "prod"] },
        ok: true,
        none: null,
      }),
    ).toEqual(["shop", "web", "api", "orders", "page", "2", "eu", "prod"]);
  });

  it("hold a long word with a digit in marked pieces, so a million ids are not a million dictionary words", () => {
    expect(fieldWords({ request_id: "req-f3c25632b924" })).toEqual(["req", "_f3c2", "__5632", "___b924"]);
    expect(fieldForm("4bf92f3577b34da6")).toEqual(["_4bf9", "__2f35", "__77b3", "___4da6"]);
    expect(fieldForm("traceback")).toEqual(["traceback"]);
    expect(fieldForm("1234567")).toEqual(["1234567"]);
    expect(isPieced("12345678")).toBe(true);
    // A `_` inside the word could pass for a mark.
    expect(isPieced("user_12345678")).toBe(false);
  });
});

describe("piecedTerm", () => {
  it("reads a term with a pieced word as the pieces, and gives null when no word is pieced", () => {
    expect(piecedTerm(["req", "f3c25632b924"], false)).toEqual([["req", "_f3c2", "__5632", "___b924"]]);
    expect(piecedTerm(["connection", "refused"], false)).toBeNull();
  });

  it("reads a prefix as the start of a pieced word, its last piece a middle or the last one", () => {
    expect(piecedTerm(["f3c"], true)).toEqual([["_f3c"]]);
    expect(piecedTerm(["f3c25632"], true)).toEqual([
      ["_f3c2", "__5632"],
      ["_f3c2", "___5632"],
    ]);
    expect(piecedTerm(["web", "0ab"], true)).toEqual([["web", "_0ab"]]);
  });
});

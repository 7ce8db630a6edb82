import { describe, expect, it } from "vitest";
import { resendSafeIds } from "./ingest-records";

describe("resendSafeIds", () => {
  const body = ['{"message":"a","time":"1"}', '{"message":"b","time":"2"}', '{"message":"a","time":"1"}'];

  it("gives a body sent again the same message ids, so its records replace themselves", () => {
    expect(resendSafeIds("shop", body)).toEqual(resendSafeIds("shop", [...body]));
  });

  it("keeps two identical lines of one body two records, and tells indexes apart", () => {
    const ids = resendSafeIds("shop", body);
    expect(new Set(ids).size).toBe(3);
    expect(resendSafeIds("billing", body)[0]).not.toBe(ids[0]);
  });
});

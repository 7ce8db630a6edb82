import { describe, expect, it } from "vitest";
import { RecordBuffer } from "./record-buffer";

function takeAll<T>(b: RecordBuffer<T>) {
  const out = [];
  for (let r = b.take(); r; r = b.take()) out.push(r);
  return out;
}

describe("RecordBuffer", () => {
  it("sends records oldest first and holds them until confirmed, in any order", () => {
    const b = new RecordBuffer<number>(10);
    for (let i = 0; i < 5; i++) b.push(i);
    const sent = takeAll(b);
    expect(sent.map((r) => r.payload)).toEqual([0, 1, 2, 3, 4]);
    expect(b.size).toBe(5);
    expect(b.confirm(sent[3]!)).toBe(true);
    expect(b.confirm(sent[0]!)).toBe(true);
    expect(b.confirm(sent[0]!)).toBe(false);
    expect(b.size).toBe(3);
    expect(b.take()).toBeUndefined();
  });

  it("drops the oldest record when full, even one in flight, and never sends a dropped one", () => {
    const b = new RecordBuffer<number>(3);
    b.push(0);
    const inFlight = b.take()!;
    expect(b.push(1)).toBeUndefined();
    expect(b.push(2)).toBeUndefined();
    expect(b.push(3)?.payload).toBe(0);
    expect(b.push(4)?.payload).toBe(1);
    expect(b.size).toBe(3);
    expect(b.confirm(inFlight)).toBe(false);
    expect(takeAll(b).map((r) => r.payload)).toEqual([2, 3, 4]);
  });

  it("after a rewind sends every record not confirmed again, oldest first", () => {
    const b = new RecordBuffer<number>(10);
    for (let i = 0; i < 6; i++) b.push(i);
    const sent = takeAll(b).slice(0, 4);
    b.confirm(sent[1]!);
    b.rewind();
    expect(takeAll(b).map((r) => r.payload)).toEqual([0, 2, 3, 4, 5]);
  });

  it("sends a requeued (nacked) record again only once released, before newer records", () => {
    const b = new RecordBuffer<number>(10);
    b.push(0);
    b.push(1);
    const first = b.take()!;
    b.requeue(first);
    expect(b.hasRequeued).toBe(true);
    expect(b.take()?.payload).toBe(1);
    b.push(2);
    b.releaseRequeued();
    expect(takeAll(b).map((r) => r.payload)).toEqual([0, 2]);
  });

  it("drops everything it holds on dropAll and counts it", () => {
    const b = new RecordBuffer<number>(10);
    for (let i = 0; i < 4; i++) b.push(i);
    const r = b.take()!;
    b.confirm(r);
    expect(b.dropAll()).toBe(3);
    expect(b.size).toBe(0);
    expect(b.take()).toBeUndefined();
  });

  it("names each record it drops on dropAll", () => {
    const b = new RecordBuffer<number>(10);
    for (let i = 0; i < 3; i++) b.push(i);
    b.confirm(b.take()!);
    const dropped: number[] = [];
    b.dropAll((r) => dropped.push(r.payload));
    expect(dropped).toEqual([1, 2]);
  });

  it("with capacity Infinity never drops, and refuses a capacity that is not a positive integer", () => {
    const b = new RecordBuffer<number>(Infinity);
    for (let i = 0; i < 20_000; i++) expect(b.push(i)).toBeUndefined();
    expect(b.size).toBe(20_000);
    for (const bad of [0, 1.5, NaN, -Infinity]) expect(() => new RecordBuffer(bad)).toThrow(RangeError);
  });

  it("stays correct across compactions of a long run", () => {
    const b = new RecordBuffer<number>(50_000);
    let confirmed = 0;
    for (let i = 0; i < 20_000; i++) {
      b.push(i);
      if (i % 3 === 2) for (const r of takeAll(b)) confirmed += b.confirm(r) ? 1 : 0;
    }
    expect(confirmed).toBe(19_998);
    expect(b.size).toBe(2);
    expect(takeAll(b).map((r) => r.payload)).toEqual([19_998, 19_999]);
  });
});

import { describe, expect, it } from "vitest";
import { changePercent, conditionHolds, durationText } from "./conditions";

describe("alert conditions", () => {
  it("gt and lt compare the count with the value, strictly", () => {
    expect(conditionHolds({ op: "gt", value: 10 }, 11, 0)).toBe(true);
    expect(conditionHolds({ op: "gt", value: 10 }, 10, 0)).toBe(false);
    expect(conditionHolds({ op: "lt", value: 1 }, 0, 50)).toBe(true);
    expect(conditionHolds({ op: "lt", value: 1 }, 1, 50)).toBe(false);
  });

  it("change fires on a rise beyond a positive value and on a fall beyond a negative one", () => {
    expect(conditionHolds({ op: "change", value: 50 }, 151, 100)).toBe(true);
    expect(conditionHolds({ op: "change", value: 50 }, 150, 100)).toBe(false);
    expect(conditionHolds({ op: "change", value: -50 }, 49, 100)).toBe(true);
    expect(conditionHolds({ op: "change", value: -50 }, 60, 100)).toBe(false);
  });

  it("counts anything after an empty window as a rise, and two empty windows as no change", () => {
    expect(changePercent(3, 0)).toBe(Infinity);
    expect(changePercent(0, 0)).toBe(0);
    expect(conditionHolds({ op: "change", value: 1000 }, 1, 0)).toBe(true);
    expect(conditionHolds({ op: "change", value: -10 }, 0, 0)).toBe(false);
  });

  it("writes windows as people say them", () => {
    expect(durationText(300)).toBe("5m");
    expect(durationText(5400)).toBe("1h30m");
    expect(durationText(86400)).toBe("24h");
  });
});

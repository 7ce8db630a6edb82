// Sums the suites' JSON reports into the one closing line CI reads: "N passed, N failed".
import { existsSync, readFileSync, writeFileSync } from "node:fs";

let passed = 0;
let failed = 0;
const missing = [];
// CI shows only the end of the output: the failures' names come last, just above the closing line.
const failures = [];
/** The first lines of a failure's message, so the closing lines say why as well as what. */
const why = (message) =>
  String(message ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(0, 8)
    .map((l) => `\n    ${l.slice(0, 300)}`)
    .join("");
for (const suite of ["unit", "integration", "faults"]) {
  const file = `tmp/results-${suite}.json`;
  if (!existsSync(file)) {
    missing.push(suite);
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  for (const f of r.testResults ?? []) {
    for (const a of f.assertionResults ?? []) {
      if (a.status === "failed")
        failures.push(
          `${suite}: ${f.name.replace(`${process.cwd()}/`, "")} > ${a.fullName}${why(a.failureMessages?.[0])}`,
        );
    }
  }
  // A file that failed to load has no test results but must still count as a failure.
  failed += (r.testResults ?? []).filter(
    (f) => f.status === "failed" && (f.assertionResults ?? []).length === 0,
  ).length;
  for (const f of r.testResults ?? []) {
    if (f.status === "failed" && (f.assertionResults ?? []).length === 0)
      failures.push(`${suite}: ${f.name} did not load`);
  }
}
const lint = "tmp/results-lint.txt";
if (existsSync(lint)) {
  if (readFileSync(lint, "utf8").trim() === "pass") passed += 1;
  else {
    failed += 1;
    failures.push("lint: types, lint or format (see above)");
  }
} else missing.push("lint");
const pw = "tmp/results-e2e.json";
if (!existsSync(pw)) missing.push("e2e");
else {
  const r = JSON.parse(readFileSync(pw, "utf8"));
  passed += r.stats?.expected ?? 0;
  failed += (r.stats?.unexpected ?? 0) + (r.stats?.flaky ?? 0);
  const walk = (suite, titles) => {
    for (const s of suite.suites ?? []) walk(s, [...titles, s.title]);
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === "unexpected" || t.status === "flaky") {
          const error = (t.results ?? []).find((x) => x.error)?.error;
          failures.push(
            `e2e (${t.status}): ${[...titles, spec.title].filter(Boolean).join(" > ")}${why(error?.message)}${error?.location ? `\n    at ${error.location.file.replace(`${process.cwd()}/`, "")}:${error.location.line}` : ""}`,
          );
        }
      }
    }
  };
  for (const s of r.suites ?? []) walk(s, [s.title]);
}
if (missing.length) {
  console.error(`no results for: ${missing.join(", ")}`);
  failed += missing.length;
}
for (const f of failures) console.log(`failed: ${f}`);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync("tmp/summary.txt", `${summary}\n`);
console.log(summary);
process.exit(failed > 0 ? 1 : 0);

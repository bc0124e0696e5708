#!/usr/bin/env node
// The whole test suite, as CI runs it (`pnpm test`). Runs each suite in turn, keeps going after a
// failure, and ends with one plain line "N passed, N failed" summing every suite, because CI reads
// that line and not Vitest's or Playwright's own summaries. Exits non-zero if anything failed or if
// no test ran at all.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { suites } from "./suites.mjs";

const only = process.argv.slice(2);
const selected = only.length ? suites.filter((s) => only.includes(s.name)) : suites;
mkdirSync("test-results", { recursive: true });

function run(suite) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = "";
    const child = spawn(suite.cmd[0], suite.cmd.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...suite.env, FORCE_COLOR: "0" },
      shell: false,
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), (suite.timeoutSeconds ?? 900) * 1000);
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (data) => {
        output += data;
        process.stdout.write(data);
      });
    }
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Counts a suite's tests: from its JSON report when it writes one, else from its own summary line. */
function count(suite, result) {
  if (suite.vitestJson && existsSync(suite.vitestJson)) {
    const report = JSON.parse(readFileSync(suite.vitestJson, "utf8"));
    return { passed: report.numPassedTests, failed: report.numFailedTests + (result.code ? 0 : 0) };
  }
  if (suite.playwrightJson && existsSync(suite.playwrightJson)) {
    const { stats } = JSON.parse(readFileSync(suite.playwrightJson, "utf8"));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected };
  }
  if (suite.summary) {
    const match = [...result.output.matchAll(suite.summary)].at(-1);
    if (match) return { passed: Number(match.groups.passed), failed: Number(match.groups.failed ?? 0) };
  }
  // A check without individual tests (lint, typecheck, build) counts as one.
  return { passed: result.code === 0 ? 1 : 0, failed: result.code === 0 ? 0 : 1 };
}

let passed = 0;
let failed = 0;
const table = [];
for (const suite of selected) {
  console.log(`\n=== ${suite.name}: ${suite.cmd.join(" ")}`);
  for (const file of [suite.vitestJson, suite.playwrightJson]) if (file) rmSync(file, { force: true });
  const result = await run(suite);
  const counted = count(suite, result);
  // A suite that exits non-zero but reports no failed test still failed (crash, timeout, lint).
  if (result.code !== 0 && counted.failed === 0) counted.failed = 1;
  passed += counted.passed;
  failed += counted.failed;
  table.push({ suite: suite.name, ...counted, exit: result.code, seconds: result.seconds.toFixed(1) });
}

console.log("\n=== summary");
console.table(table);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

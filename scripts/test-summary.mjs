// Adds up the three test runners' results into one closing line: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;

const python = readFileSync(join(dir, 'python.txt'), 'utf8');
const ran = Number(/^Ran (\d+) tests?/m.exec(python)?.[1] ?? 0);
const pyFailed = Number(/failures=(\d+)/.exec(python)?.[1] ?? 0) + Number(/errors=(\d+)/.exec(python)?.[1] ?? 0);
const pySkipped = Number(/skipped=(\d+)/.exec(python)?.[1] ?? 0);
passed += ran - pyFailed - pySkipped; failed += pyFailed; skipped += pySkipped;

const vitestFile = join(dir, 'vitest.json');
if (existsSync(vitestFile)) {
  const v = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} else failed += 1;

const pwFile = join(dir, 'playwright.json');
if (existsSync(pwFile)) {
  const s = JSON.parse(readFileSync(pwFile, 'utf8')).stats;
  passed += s.expected + s.flaky; failed += s.unexpected; skipped += s.skipped;
} else failed += 1;

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

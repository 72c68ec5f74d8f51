// `npm test`: unit + integration (vitest) and end-to-end (Playwright) suites, then one line
// `N passed, N failed, N skipped` summing all of them. Exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, env = {}) => {
  console.log(`\n$ ${[cmd.replace(root + '/', ''), ...args].join(' ')}`);
  return spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
};

const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];

// 1. unit + integration
const vitestJson = join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestStatus = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  const s = {
    name: 'unit+integration',
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests + (r.numTodoTests ?? 0),
  };
  // A suite that failed to load counts as a failure even when no test inside it ran.
  if (vitestStatus !== 0 && s.failed === 0) s.failed = Math.max(1, r.numFailedTestSuites ?? 1);
  suites.push(s);
} else {
  suites.push({ name: 'unit+integration', passed: 0, failed: 1, skipped: 0 });
}

// 2. builds the e2e suite drives: renderer (browser mode) and the Electron main/preload/renderer.
let buildOk = run(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']) === 0;
buildOk = run(bin('electron-vite'), ['build', '--logLevel', 'warn']) === 0 && buildOk;
// electron-vite also writes out/renderer; rebuild browser mode's copy last so both are current.
buildOk =
  run(bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']) === 0 && buildOk;
if (!buildOk) suites.push({ name: 'build', passed: 0, failed: 1, skipped: 0 });

// 3. e2e
const pwJson = join(results, 'playwright.json');
rmSync(pwJson, { force: true });
const pwStatus = run(
  bin('playwright'),
  ['test', '-c', 'tests/e2e/playwright.config.ts', '--reporter=list,json'],
  { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson },
);
if (existsSync(pwJson)) {
  const st = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  const s = {
    name: 'e2e',
    passed: st.expected + (st.flaky ?? 0),
    failed: st.unexpected,
    skipped: st.skipped,
  };
  if (pwStatus !== 0 && s.failed === 0) s.failed = 1;
  suites.push(s);
} else {
  suites.push({ name: 'e2e', passed: 0, failed: 1, skipped: 0 });
}

console.log('\nSuites:');
for (const s of suites) {
  console.log(`  ${s.name.padEnd(18)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  totals.passed += s.passed;
  totals.failed += s.failed;
  totals.skipped += s.skipped;
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);

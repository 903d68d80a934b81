import { defineConfig } from 'vitest/config';

// Unit tests are pure and fast; integration tests start real sshd processes and
// e2e tests boot the systemd-nspawn lab (npm test runs those one file at a time).
// Each run also writes a JSON report, which .ci/run sums into one closing line.
const part = process.argv.some((a) => a.includes('test/e2e')) ? 'e2e' : 'main';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: `.tsplay/test-results/${part}.json` },
  },
});

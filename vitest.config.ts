import { defineConfig } from 'vitest/config';

// Unit tests are pure and fast; integration tests start real sshd processes and
// e2e tests boot the systemd-nspawn lab, so those run one file at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});

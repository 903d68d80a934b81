/**
 * Real sshd hosts on 127.0.0.1 for the tests: the one harness lives in
 * bench/lib/sshd.ts (the benchmark uses it too, with VERBOSE logs).
 */
export { freePort, sshdAvailable, startSshdHosts, type SshdHarness, type SshdHost, type StartOptions } from '../../bench/lib/sshd.js';

/** Cuts a task after its `timeout`, or when the run is interrupted. */
import type { TaskResult } from '../results.js';

export async function withTimeout(
  timeoutS: number | undefined,
  runSignal: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<TaskResult>,
): Promise<TaskResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cut = new Promise<TaskResult>((resolve) => {
    if (timeoutS && timeoutS > 0) {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ status: 'failed', msg: `timed out after ${timeoutS}s`, data: { timed_out: true } });
      }, timeoutS * 1000);
    }
    onAbort = (): void => {
      controller.abort();
      resolve({ status: 'failed', msg: 'interrupted', data: { interrupted: true } });
    };
    if (runSignal?.aborted) onAbort();
    else runSignal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(controller.signal), cut]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) runSignal?.removeEventListener('abort', onAbort);
  }
}

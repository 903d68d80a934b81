/** Cuts a task after its `timeout`, or when the run is interrupted. */
import type { TaskResult } from '../results.js';

export async function withTimeout(
  timeoutS: number | undefined,
  runSignal: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<TaskResult>,
): Promise<TaskResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => controller.abort();
  runSignal?.addEventListener('abort', onAbort, { once: true });
  const cut = new Promise<TaskResult>((resolve) => {
    if (timeoutS && timeoutS > 0) {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ status: 'failed', msg: `timed out after ${timeoutS}s`, data: { timed_out: true } });
      }, timeoutS * 1000);
    }
    const interrupted = (): void => resolve({ status: 'failed', msg: 'interrupted', data: { interrupted: true } });
    if (runSignal?.aborted) interrupted();
    else runSignal?.addEventListener('abort', interrupted, { once: true });
  });
  try {
    return await Promise.race([fn(controller.signal), cut]);
  } finally {
    if (timer) clearTimeout(timer);
    runSignal?.removeEventListener('abort', onAbort);
  }
}

/** Progress for lab steps: listr2 on a TTY, plain lines otherwise, or nothing. */
import { Listr } from 'listr2';

export type ProgressMode = 'auto' | 'plain' | 'silent';

export interface Step {
  title: string;
  /** `note` updates the step's detail line */
  run: (note: (text: string) => void) => Promise<void>;
  skip?: () => string | false;
}

export async function runSteps(steps: Step[], mode: ProgressMode): Promise<void> {
  if (mode === 'silent') {
    for (const s of steps) if (!s.skip?.()) await s.run(() => undefined);
    return;
  }
  const tty = mode === 'auto' && process.stdout.isTTY === true;
  const list = new Listr(
    steps.map((s) => ({
      title: s.title,
      skip: () => s.skip?.() ?? false,
      task: async (_ctx: unknown, task: { output: string; title: string }) => {
        const start = Date.now();
        await s.run((text) => {
          task.output = text;
        });
        task.title = `${s.title} (${((Date.now() - start) / 1000).toFixed(1)} s)`;
      },
    })),
    {
      renderer: tty ? 'default' : 'simple',
      rendererOptions: { collapseSubtasks: false },
      exitOnError: true,
      registerSignalListeners: false,
    },
  );
  await list.run();
}

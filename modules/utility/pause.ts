import { createInterface } from 'node:readline';
import { defineModule } from '../../engine/module-api.js';
import { ansibleTime } from '../commands/exec-common.js';

export interface PauseParams {
  seconds?: number | string;
  minutes?: number | string;
  prompt?: string;
  echo?: boolean;
}

interface PauseFacts {
  start: string;
  stop: string;
  delta: number;
  user_input: string;
}

/** Resolves after ms, or early when the run is interrupted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The pause length in ms, or undefined when it waits for input. */
export function pauseMs(p: PauseParams): number | undefined {
  if (p.seconds !== undefined) return Number(p.seconds) * 1000;
  if (p.minutes !== undefined) return Number(p.minutes) * 60_000;
  return undefined;
}

function readLine(prompt: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    signal?.addEventListener('abort', () => rl.close(), { once: true });
    rl.question(`${prompt}: `, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => resolve(''));
  });
}

const NUMBER = '^[0-9]+(\\.[0-9]+)?$';

export const pause = defineModule<PauseParams, PauseFacts>({
  name: 'pause',
  aliases: ['ansible.builtin.pause'],
  controllerOnly: true,
  doc: {
    short: 'Wait for a while, or for the operator to press enter',
    description:
      'With seconds or minutes, waits that long (the prompt is only shown). Without, waits for a line on the terminal; when stdin ' +
      'is not a TTY (CI), it returns at once with a warning instead of hanging. Interrupting the run ends the pause.',
    examples: ['- pause:', '    seconds: 10', '- pause:', '    prompt: Check the replicas, then press enter'].join('\n'),
    returns: { start: 'start time', stop: 'end time', delta: 'seconds waited', user_input: 'the line typed, if any' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      seconds: { description: 'Seconds to wait.', anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: NUMBER }] },
      minutes: { description: 'Minutes to wait.', anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: NUMBER }] },
      prompt: { type: 'string', description: 'Text shown while waiting.' },
      echo: { type: 'boolean', default: true, description: 'Show the typed input (accepted for compatibility).' },
    },
  },
  async probe(ctx, p) {
    const started = new Date();
    const ms = pauseMs(p);
    let input = '';
    if (ms !== undefined) {
      await sleep(ms, ctx.signal);
    } else if (process.stdin.isTTY) {
      input = await readLine(p.prompt ?? 'Press enter to continue, Ctrl+C to interrupt', ctx.signal);
    } else {
      ctx.warn('Not waiting for response to prompt as stdin is not interactive');
    }
    const stopped = new Date();
    return { start: ansibleTime(started), stop: ansibleTime(stopped), delta: Math.round((stopped.getTime() - started.getTime()) / 1000), user_input: input };
  },
  plan(_p, facts) {
    return { changes: [], data: { ...facts, echo: _p.echo !== false } };
  },
});

/**
 * Entry point. Kept free of heavy imports so `tsplay --version` starts fast:
 * each subcommand is loaded only when it runs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `tsplay: agentless, Ansible-compatible playbooks over SSH

Usage:
  tsplay run PLAYBOOK [-i INVENTORY] [options]   run a playbook (see tsplay run --help)
  tsplay check PLAYBOOK [-i INVENTORY]           check everything without touching a host
  tsplay inventory -i INVENTORY --list|--graph|--host HOST
  tsplay doc MODULE | --list                      module documentation
  tsplay schema                                   JSON Schema of playbooks (for editors)
  tsplay role init NAME [--path DIR]              scaffold a role with an argument spec and a test playbook
  tsplay vault create|encrypt|decrypt|edit|view|rekey|encrypt_string   encrypted files and values
  tsplay lab demo|up|status|ssh|down|destroy|stop|start|cut|heal   the built-in lab
  tsplay --version

Exit codes: 0 ok, 1 error, 2 failed hosts, 3 unreachable hosts,
4 parse or validation error, 5 bad options, 99 interrupted.`;

type Command = (argv: string[]) => Promise<number>;

/**
 * What a closed standard output does (`tsplay schema | head -1`): by default
 * the command ends at once, quietly, with status 0, as a Unix tool ends on
 * SIGPIPE without a word. `tsplay run` replaces it while a run is under way,
 * to stop like Ctrl-C (connections closed, exit 99).
 */
export const brokenPipe = { onClose: (): void => process.exit(0) };

const PIPE_CLOSED = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

function watchBrokenPipes(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (!e.code || !PIPE_CLOSED.has(e.code)) throw e;
    brokenPipe.onClose();
  });
  // nothing can be said on a closed stderr: keep going
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (!e.code || !PIPE_CLOSED.has(e.code)) throw e;
  });
}

const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand,
  playbook: async () => (await import('./run.js')).runCommand,
  check: async () => (await import('./check.js')).checkCommand,
  inventory: async () => (await import('./inventory.js')).inventoryCli,
  doc: async () => (await import('./doc.js')).docCommand,
  schema: async () => (await import('./schema.js')).schemaCommand,
  role: async () => (await import('./role.js')).roleCommand,
  lab: async () => (await import('../lab/cli.js')).labCommand,
  vault: async () => (await import('./vault.js')).vaultCommand,
};

export function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    try {
      return (JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout (compiled vs source) */
    }
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<void> {
  watchBrokenPipes();
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V') {
    process.stdout.write(`tsplay ${version()}\nnode ${process.version}\n`);
    return;
  }
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exitCode = first ? 0 : 5;
    return;
  }
  const load = commands[first];
  let code: number;
  if (!load) {
    // `tsplay site.yml -i x` behaves like `tsplay run site.yml -i x`
    if (/\.ya?ml$/.test(first)) code = await (await commands.run!())(argv);
    else {
      process.stderr.write(`unknown command '${first}'\n\n${USAGE}\n`);
      code = 5;
    }
  } else {
    code = await (await load())(rest);
  }
  process.exitCode = code;
}

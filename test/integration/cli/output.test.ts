/**
 * What the built CLI prints (npm run build), on hosts with the local
 * connection: debug in a loop as ansible-playbook 2.14 prints it, the same
 * items in NDJSON, the live view on a pseudo-terminal (script, with no size,
 * as from a pipe or CI), and a closed standard output (EPIPE).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliBuilt, tsplay } from '../security/cli-helpers.js';

const INVENTORY = `[web]
h1 ansible_connection=local
h2 ansible_connection=local
[all:vars]
ansible_python_interpreter=/usr/bin/python3
`;

const LOOP = `- hosts: h1
  gather_facts: false
  tasks:
    - name: dbg loop
      debug: msg="item is {{ item }}"
      loop: [a, b]
    - name: dbg var loop
      debug: var=item
      loop: [x]
    - name: cmd loop
      command: "echo {{ item }}"
      loop: [c]
    - name: dbg
      debug: msg=plain
`;

const SECRET = 'hunter2-s3cret';
const LIVE = `- name: live play
  hosts: web
  gather_facts: false
  vars:
    db_password: ${SECRET}
  tasks:
    - name: slow
      command: "sleep 1"
    - name: say
      debug: msg="connecting with {{ db_password }}"
    - name: loop
      debug: msg="item {{ item }}"
      loop: [a, b]
    - name: skip h2
      command: "true"
      when: inventory_hostname == 'h1'
    - name: fail with secret
      command: "sh -c 'echo bad {{ db_password }} >&2; exit 3'"
      ignore_errors: true
`;

const STEP = `- hosts: h1
  gather_facts: false
  tasks:
    - { name: one, debug: { msg: one } }
    - { name: two, debug: { msg: two } }
    - { name: three, debug: { msg: three } }
`;

// prints a line every 0.3 s for 30 s: tsplay learns that stdout is closed at its next write
const SLOW = `- hosts: web
  gather_facts: false
  tasks:
    - name: one
      debug: msg=one
    - name: ticks
      command: sleep 0.3
      loop: "{{ range(0, 100) | list }}"
`;

let dir: string;
const hasAnsible = existsSync('/usr/bin/ansible-playbook');
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
const tasksPart = (out: string): string => out.slice(out.indexOf('\nTASK ['), out.indexOf('\nPLAY RECAP'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cli-output-'));
  writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
  writeFileSync(join(dir, 'loop.yml'), LOOP);
  writeFileSync(join(dir, 'live.yml'), LIVE);
  writeFileSync(join(dir, 'slow.yml'), SLOW);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** bash, so the test can read the status of the left side of a pipe */
function piped(command: string): { status: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync('bash', ['-c', `${command}; echo "\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: r.stdout.trim().split('\n').pop() ?? '', stderr: r.stderr, ms: Date.now() - started };
}

describe.skipIf(!cliBuilt())('CLI output', { timeout: 120_000 }, () => {
  it.skipIf(!hasAnsible)('debug in a loop: the plain log prints every item as ansible-playbook does', () => {
    const ours = tsplay(['run', '-i', 'hosts.ini', 'loop.yml', '-o', 'plain'], { cwd: dir });
    expect(ours.code).toBe(0);
    const theirs = spawnSync('ansible-playbook', ['-i', 'hosts.ini', 'loop.yml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    expect(theirs.status).toBe(0);
    expect(tasksPart(ours.stdout)).toBe(tasksPart(theirs.stdout));
    expect(ours.stdout).toContain('ok: [h1] => (item=a) => {\n    "msg": "item is a"\n}');
  });

  it('debug in a loop: NDJSON has an item_result per item and the list in the host_result', () => {
    const r = tsplay(['run', '-i', 'hosts.ini', 'loop.yml', '-o', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; task?: { name: string }; result?: { data: Record<string, unknown>; item?: unknown; results?: unknown[] } });
    const items = events.filter((e) => e.type === 'item_result' && e.task?.name === 'dbg loop');
    expect(items.map((e) => [e.result?.item, e.result?.data.msg])).toEqual([['a', 'item is a'], ['b', 'item is b']]);
    const summary = events.find((e) => e.type === 'host_result' && e.task?.name === 'dbg loop');
    expect(summary?.result?.results).toHaveLength(2);
  });

  it('live view on a pseudo-terminal without a size: host rows under each task, details, recap, secrets masked', () => {
    const cmd = [process.execPath, BIN, 'run', '-i', 'hosts.ini', 'live.yml'].map((a) => `'${a}'`).join(' ');
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', TSPLAY_TIMEOUT: '45' };
    delete env.COLUMNS;
    delete env.LINES;
    delete env.CI;
    const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', env, input: '', timeout: 90_000 });
    expect(r.status).toBe(0);
    const out = stripAnsi(r.stdout);
    // frames drawn while `slow` runs: a row per host under the task
    expect(out).toMatch(/task slow\n {2}\S h1\n {2}\S h2\n/);
    expect(out).toMatch(/h1: changed \d+(ms|\.\d+s)/);
    expect(out).toMatch(/h2: skipping/);
    expect(out).not.toMatch(/\n {2}t\n {2}a\n {2}s\n {2}k\n/); // never one character a line
    expect(out).toContain('[h1] => {\n      "msg": "connecting with ********"\n  }');
    expect(out).toContain('[h2] (item=b) => {');
    expect(out).toContain("command: sh -c 'echo bad ******** >&2; exit 3'");
    expect(out).toMatch(/PLAY RECAP \*+\nh1 +: ok=5 .*ignored=1\nh2 +: ok=4 .*skipped=1 .*ignored=1\nfinished in /);
    expect(out).not.toContain(SECRET);
    expect(out).not.toMatch(/internal error|TypeError|at .*\.js:\d+/);
  });

  it('--step in the live view: each question comes after the previous task is drawn', () => {
    writeFileSync(join(dir, 'step.yml'), STEP);
    const cmd = [process.execPath, BIN, 'run', '-i', 'hosts.ini', 'step.yml', '--step'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-qefc', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TERM: 'xterm-256color', CI: '' }, input: 'y\nn\nc\n', timeout: 90_000 });
    expect(r.status).toBe(0);
    const out = stripAnsi(r.stdout);
    const drawnOne = out.indexOf('"msg": "one"');
    expect(drawnOne).toBeGreaterThan(0);
    expect(out.indexOf('Perform task: TASK: two')).toBeGreaterThan(drawnOne);
    expect(out).toContain('"msg": "three"');
    expect(out).not.toContain('"msg": "two"');
    expect(out).toMatch(/h1 +: ok=2 /);
  });

  it('a closed stdout ends schema, doc and inventory quietly with 0', () => {
    for (const args of ['schema', 'doc --list', 'inventory -i hosts.ini --list', '--help']) {
      const r = piped(`node '${BIN}' ${args} | head -1 >/dev/null`);
      expect([args, r.status, r.stderr]).toEqual([args, '0', '']);
    }
  });

  it('a closed stdout stops a run like Ctrl-C: connections closed, exit 99, at once', () => {
    const r = piped(`node '${BIN}' run -i hosts.ini slow.yml -o plain | head -3 >/dev/null`);
    expect(r.status).toBe('99');
    expect(r.stderr).toContain('standard output closed: stopping');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.ms).toBeLessThan(20_000); // the loop lasts 30 s
  });
});

/**
 * `tsplay run` flags through the built CLI (npm run build), on hosts with
 * the local connection: --step answered from a pipe, --limit matching no
 * host (exit 1, as ansible-playbook 2.14), --syntax-check, --list-hosts,
 * --list-tasks, --list-tags.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliBuilt, tsplay, type CliResult } from '../security/cli-helpers.js';

const INVENTORY = `[web]
h1 ansible_connection=local
h2 ansible_connection=local
[all:vars]
ansible_python_interpreter=/usr/bin/python3
`;

const STEP = `- hosts: h1
  gather_facts: false
  tasks:
    - name: one
      debug: msg=one
    - name: two
      debug: msg=two
    - name: three
      debug: msg=three
    - name: four
      debug: msg=four
`;

const TAGGED = `- name: web play
  hosts: web
  gather_facts: false
  tags: [play]
  tasks:
    - name: first
      debug: msg=first
      tags: [a]
    - name: second
      command: "true"
      tags: [never, c]
    - name: third
      debug: msg=third
`;

const BROKEN = `- hosts: web
  gather_facts: false
  tasks:
    - name: bad
      debug: msg=x
      no_such_keyword: 1
`;

let dir: string;
const run = (args: string[], input = ''): CliResult => tsplay(['run', '-i', 'hosts.ini', '-o', 'plain', ...args], { cwd: dir, input, timeoutMs: 60_000 });
const hasAnsible = existsSync('/usr/bin/ansible-playbook');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsplay-cli-flags-'));
  writeFileSync(join(dir, 'hosts.ini'), INVENTORY);
  writeFileSync(join(dir, 'step.yml'), STEP);
  writeFileSync(join(dir, 'tagged.yml'), TAGGED);
  writeFileSync(join(dir, 'broken.yml'), BROKEN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ran = (r: CliResult): string[] => [...r.stdout.matchAll(/^TASK \[(\w+)\]/gm)].map((m) => m[1]!);

describe.skipIf(!cliBuilt())('run flags through the CLI', { timeout: 120_000 }, () => {
  it('--step reads every piped answer: yes, no, yes, then continue runs the rest', () => {
    const r = run(['step.yml', '--step'], 'y\nn\ny\nc\n');
    expect(r.code).toBe(0);
    expect(ran(r)).toEqual(['one', 'three', 'four']);
    expect(r.stderr.match(/Perform task: TASK: \w+ \(N\)o\/\(y\)es\/\(c\)ontinue: /g)).toHaveLength(4);
    expect(r.stdout).toMatch(/h1\s+: ok=3 /);
  });

  it('--step at the end of the input stops the run with the recap and exit 99, never a silent 0', () => {
    const r = run(['step.yml', '--step'], 'y\nn\n');
    expect(r.code).toBe(99);
    expect(ran(r)).toEqual(['one']);
    expect(r.stderr).toContain('--step: no answer (end of input): stopping');
    expect(r.stdout).toContain('PLAY RECAP');
    expect(r.stdout).toMatch(/h1\s+: ok=1 /);
  });

  it('--step: Ctrl-C while the question waits stops the run with the recap, exit 99', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '-i', 'hosts.ini', '-o', 'plain', 'step.yml', '--step'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('TASK: two')) child.kill('SIGINT');
      else if (stderr.endsWith('(c)ontinue: ')) child.stdin.write('y\n');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code).toBe(99);
    expect(stdout).toContain('PLAY RECAP');
    expect(stdout).toMatch(/h1\s+: ok=1 /);
    expect(stderr).toContain('SIGINT: stopping');
  });

  it('--check: a skipped command registers an empty stdout, so a when: on it still works (as ansible-playbook)', () => {
    writeFileSync(join(dir, 'check-register.yml'), `- hosts: h1
  gather_facts: false
  tasks:
    - name: read
      command: echo ready
      register: out
    - name: after
      debug:
        msg: "ready={{ 'ready' in out.stdout }} rc={{ out.rc }} lines={{ out.stdout_lines | length }}"
`);
    const r = run(['check-register.yml', '--check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ready=False rc=0 lines=0');
  });

  it('--limit matching no host: a warning, no play, exit 1 (as ansible-playbook)', () => {
    const r = run(['step.yml', '-l', 'nomatch']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[WARNING]: Could not match supplied host pattern, ignoring: nomatch');
    expect(r.stderr).toContain('TSPLAY_NO_HOSTS');
    expect(r.stdout).not.toContain('PLAY');
    // the same for --syntax-check and --list-hosts, and for an intersection left empty
    expect(run(['step.yml', '-l', 'nomatch', '--syntax-check']).code).toBe(1);
    expect(run(['step.yml', '-l', 'h1:&nomatch', '--list-hosts']).code).toBe(1);
  });

  it('--limit with one pattern matching: warns about the other and runs', () => {
    const r = run(['step.yml', '-l', 'h1,nomatch']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ignoring: nomatch');
    expect(r.stdout).toMatch(/h1\s+: ok=4 /);
  });

  it.skipIf(!hasAnsible)('ansible-playbook 2.14 gives the same exit codes for these limits (a missing @file too)', () => {
    for (const [limit, code] of [['nomatch', 1], ['h1:&nomatch', 1], ['h1,nomatch', 0], ['@missing-limit-file', 1]] as const) {
      const a = spawnSync('ansible-playbook', ['-i', 'hosts.ini', 'step.yml', '-l', limit], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
      expect([limit, a.status]).toEqual([limit, code]);
      expect([limit, run(['step.yml', '-l', limit]).code]).toEqual([limit, code]);
    }
  });

  it('--syntax-check: a good playbook exits 0 and names it; a broken one exits 4 with file:line:col, touching no host', () => {
    const ok = run(['step.yml', '--syntax-check']);
    expect(ok.code).toBe(0);
    // as ansible-playbook: the path as given on the command line
    expect(ok.stdout).toBe('\nplaybook: step.yml\n');
    const bad = run(['broken.yml', '--syntax-check']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain(`${join(dir, 'broken.yml')}:6:7`);
    expect(bad.stderr).toContain('no host was contacted');
    expect(bad.stdout).toBe('');
  });

  it('--list-hosts, --list-tasks, --list-tags', () => {
    const hosts = run(['tagged.yml', '--list-hosts']);
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain("  play #1 (web): web play\tTAGS: [play]\n    pattern: ['web']\n    hosts (2):\n      h1\n      h2\n");
    const limited = run(['tagged.yml', '--list-hosts', '-l', 'h2']);
    expect(limited.stdout).toContain('    hosts (1):\n      h2\n');
    const tasks = run(['tagged.yml', '--list-tasks']);
    expect(tasks.code).toBe(0);
    expect(tasks.stdout).toMatch(/ {6}first\tTAGS: \[(play, a|a, play)\]\n {6}third\tTAGS: \[play\]\n/);
    expect(tasks.stdout).not.toContain('second');
    const withTag = run(['tagged.yml', '--list-tasks', '--tags', 'c']);
    expect(withTag.stdout).toContain('second');
    expect(withTag.stdout).not.toContain('third');
    const tags = run(['tagged.yml', '--list-tags']);
    expect(tags.code).toBe(0);
    expect(tags.stdout).toMatch(/TASK TAGS: \[[^\]]*\ba\b[^\]]*\bplay\b[^\]]*\]/);
    // nothing ran
    expect(hosts.stdout + tasks.stdout + tags.stdout).not.toContain('PLAY RECAP');
  });
});

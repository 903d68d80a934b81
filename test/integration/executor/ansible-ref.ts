/**
 * Shared by the differential tests that run ansible-playbook beside tsplay:
 * its environment for the sshd harness, the files a run left, and the
 * registered results of one module's cases on localhost.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * ansible-playbook's environment for the sshd harness: JSON callback, the
 * harness's known_hosts checked strictly, ControlPersist masters and temp
 * files under `dir` (the ssh plugin reads ANSIBLE_SSH_CONTROL_PATH_DIR: under
 * another name masters stay in ~/.ansible/cp and outlive the test).
 */
export function ansibleSshdEnv(dir: string, knownHostsPath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${knownHostsPath} -o StrictHostKeyChecking=yes`,
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, '.cp'),
    ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ...extra,
  };
}

/** The entries of one directory: "dir", or the file's octal mode and content ({} when it does not exist). */
export function fileTree(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    const st = statSync(p);
    out[f] = st.isDirectory() ? 'dir' : `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`;
  }
  return out;
}

/**
 * Runs one task per case of `module` on localhost (local connection) with
 * ansible-playbook and returns the registered results in order. `taskExtra`
 * is appended to each task (e.g. "\n      ignore_errors: true").
 */
export function registeredByAnsible(dir: string, module: string, cases: readonly object[], taskExtra = ''): Record<string, unknown>[] {
  const tasks = cases.map((c, i) => `    - ${module}: ${JSON.stringify(c)}\n      register: r${i}${taskExtra}`).join('\n');
  const out = join(dir, 'ansible.json');
  const all = cases.map((_c, i) => `r${i}`).join(',');
  writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}\n    - copy: { dest: ${out}, content: "{{ [${all}] | to_json }}" }\n`);
  execFileSync('ansible-playbook', ['-i', 'localhost,', '-c', 'local', join(dir, 'pb.yml')], {
    env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1' },
    timeout: 90_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
}

/**
 * Shared by the differential tests that run ansible-playbook against the
 * sshd harness beside tsplay: its environment, and the files a run left.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

/**
 * For each module that builds commands: parameter sets with one value `V`
 * that the injection test fills with a harmless word and with hostile text.
 */
export type Case = { module: string; params: (v: string) => Record<string, unknown> };

const F = '/tmp/tsplay-inj/f';
const c = (module: string, ...sets: ((v: string) => Record<string, unknown>)[]): Case[] => sets.map((params) => ({ module, params }));

export const CASES: Case[] = [
  ...c('apt', (v) => ({ name: v }), (v) => ({ name: [v, 'curl'], state: 'absent' }), (v) => ({ name: 'curl', default_release: v }), (v) => ({ deb: v }), (v) => ({ name: 'curl', dpkg_options: v }), (v) => ({ name: `${v}=1.0`, state: 'present' })),
  ...c('blockinfile', (v) => ({ path: v, block: 'x', create: true }), (v) => ({ path: F, block: v }), (v) => ({ path: F, block: 'x', marker: `# ${v} {mark}` }), (v) => ({ path: F, block: 'x', owner: v, group: v }), (v) => ({ path: v, block: 'x', validate: 'test -f %s', backup: true })),
  ...c('command', (v) => ({ argv: ['echo', v] }), (v) => ({ cmd: 'echo hi', chdir: v }), (v) => ({ cmd: 'echo hi', creates: v }), (v) => ({ cmd: 'echo hi', removes: v }), (v) => ({ cmd: 'cat', stdin: v }), (v) => ({ cmd: `echo ${JSON.stringify(v)}` })),
  ...c('copy', (v) => ({ content: 'x', dest: v }), (v) => ({ content: v, dest: F }), (v) => ({ content: 'x', dest: F, owner: v, group: v }), (v) => ({ content: 'x', dest: v, validate: 'test -f %s', backup: true }), (v) => ({ src: v, dest: F, remote_src: true }), (v) => ({ src: '/etc/hostname', dest: v, remote_src: true })),
  ...c('cron', (v) => ({ name: v, job: 'true' }), (v) => ({ name: 'n', job: v }), (v) => ({ name: 'n', job: 'true', user: v }), (v) => ({ name: 'n', job: 'true', cron_file: v }), (v) => ({ name: 'n', job: 'true', minute: v })),
  ...c('dnf', (v) => ({ name: v }), (v) => ({ name: 'curl', enablerepo: v })),
  ...c('yum', (v) => ({ name: v }), (v) => ({ name: [v], state: 'absent' })),
  ...c('package', (v) => ({ name: v, use: 'apt' }), (v) => ({ name: v, use: 'dnf' })),
  ...c('etcd_member', (v) => ({ name: v, peer_urls: ['http://127.0.0.1:2380'] }), (v) => ({ name: 'e1', peer_urls: ['http://127.0.0.1:2380'], endpoints: [v] }), (v) => ({ name: 'e1', peer_urls: ['http://127.0.0.1:2380'], env_file: v, data_dir: v, service: v }), (v) => ({ name: 'e1', peer_urls: [v], cacert: v, cert: v, key: v })),
  ...c('fetch', (v) => ({ src: v, dest: '/tmp/tsplay-inj/fetched/' })),
  ...c('file', (v) => ({ path: v, state: 'directory' }), (v) => ({ path: v, state: 'touch' }), (v) => ({ path: v, state: 'absent' }), (v) => ({ path: F, src: v, state: 'link' }), (v) => ({ path: v, src: F, state: 'hard' }), (v) => ({ path: F, state: 'touch', owner: v, group: v }), (v) => ({ path: v, state: 'directory', recurse: true, mode: 'u+rwX' })),
  ...c('firewalld', (v) => ({ port: v, state: 'enabled' }), (v) => ({ service: v, state: 'enabled' }), (v) => ({ source: v, state: 'enabled' }), (v) => ({ rich_rule: v, state: 'enabled' }), (v) => ({ service: 'ssh', zone: v, state: 'enabled' }), (v) => ({ interface: v, state: 'enabled' })),
  ...c('get_url', (v) => ({ url: v, dest: F }), (v) => ({ url: 'http://127.0.0.1:9/x', dest: v }), (v) => ({ url: 'http://127.0.0.1:9/x', dest: F, headers: { 'X-A': v } }), (v) => ({ url: 'http://127.0.0.1:9/x', dest: F, checksum: `sha256:${v}` })),
  ...c('group', (v) => ({ name: v }), (v) => ({ name: v, state: 'absent' })),
  ...c('hostname', (v) => ({ name: v })),
  ...c('lineinfile', (v) => ({ path: v, line: 'x', create: true }), (v) => ({ path: F, line: v }), (v) => ({ path: F, regexp: v, line: 'x' }), (v) => ({ path: v, line: 'x', validate: 'test -f %s', backup: true, owner: v })),
  ...c('locale_gen', (v) => ({ name: v })),
  ...c('modprobe', (v) => ({ name: v }), (v) => ({ name: 'dummy', params: v, persistent: 'present' })),
  ...c('patroni_bootstrap', (v) => ({ config: v, scope: 's', rest_url: 'http://127.0.0.1:8008' }), (v) => ({ config: '/etc/patroni.yml', scope: v, namespace: v, rest_url: 'http://127.0.0.1:8008', service: v }), (v) => ({ config: '/etc/p.yml', scope: 's', rest_url: v, etcd_endpoints: [v], cacert: v })),
  ...c('replace', (v) => ({ path: v, regexp: 'a', replace: 'b' }), (v) => ({ path: F, regexp: 'a', replace: v }), (v) => ({ path: F, regexp: v }), (v) => ({ path: v, regexp: 'a', validate: 'test -f %s', backup: true })),
  ...c('script', (v) => ({ cmd: '/bin/true', chdir: v }), (v) => ({ cmd: '/bin/true', creates: v }), (v) => ({ cmd: '/bin/true', removes: v })),
  ...c('selinux_boolean', (v) => ({ name: v, state: true }), (v) => ({ name: v, state: false, persistent: true })),
  ...c('service', (v) => ({ name: v, state: 'started' }), (v) => ({ name: v, enabled: true })),
  ...c('shell', (v) => ({ cmd: 'echo hi', chdir: v }), (v) => ({ cmd: 'echo hi', creates: v }), (v) => ({ cmd: 'cat', stdin: v }), (v) => ({ cmd: `echo ${shq(v)}` })),
  ...c('slurp', (v) => ({ src: v })),
  ...c('stat', (v) => ({ path: v }), (v) => ({ path: v, get_checksum: true, checksum_algorithm: 'sha256', get_mime: true })),
  ...c('sysctl', (v) => ({ name: v, value: '1' }), (v) => ({ name: 'net.ipv4.ip_forward', value: v }), (v) => ({ name: 'net.ipv4.ip_forward', value: '1', sysctl_file: v, reload: true })),
  ...c('systemd', (v) => ({ name: v, state: 'started' }), (v) => ({ name: v, enabled: true, daemon_reload: true }), (v) => ({ name: v, masked: true }), (v) => ({ name: v, state: 'restarted', scope: 'user' })),
  ...c('template', (v) => ({ src: 'inj.j2', dest: v }), (v) => ({ src: 'inj.j2', dest: F, owner: v, group: v }), (v) => ({ src: 'inj.j2', dest: v, validate: 'test -f %s', backup: true })),
  ...c('ufw', (v) => ({ rule: 'allow', port: v }), (v) => ({ rule: 'allow', port: '22', comment: v }), (v) => ({ rule: 'allow', from_ip: v, to_ip: v }), (v) => ({ rule: 'allow', interface: v, direction: 'in' }), (v) => ({ rule: 'allow', port: '22', proto: v })),
  ...c('unarchive', (v) => ({ src: v, dest: '/tmp/tsplay-inj', remote_src: true }), (v) => ({ src: '/tmp/a.tar.gz', dest: v, remote_src: true }), (v) => ({ src: '/tmp/a.tar.gz', dest: '/tmp/tsplay-inj', remote_src: true, extra_opts: [v] })),
  ...c('uri', (v) => ({ url: v }), (v) => ({ url: 'http://127.0.0.1:9/', method: 'POST', body: v }), (v) => ({ url: 'http://127.0.0.1:9/', headers: { 'X-A': v } }), (v) => ({ url: 'http://127.0.0.1:9/', user: v, password: v, force_basic_auth: true }), (v) => ({ url: 'http://127.0.0.1:9/', method: v })),
  ...c('user', (v) => ({ name: v }), (v) => ({ name: 'u', comment: v, home: v, shell: v }), (v) => ({ name: 'u', groups: [v], group: v, append: true }), (v) => ({ name: 'u', password: v }), (v) => ({ name: v, state: 'absent', remove: true })),
  ...c('wait_for', (v) => ({ path: v, timeout: 1, sleep: 1 }), (v) => ({ host: v, port: 22, timeout: 1, sleep: 1 }), (v) => ({ path: '/etc/hostname', search_regex: v, timeout: 1, sleep: 1 })),
  ...c('setup', (v) => ({ fact_path: v }), (v) => ({ filter: v })),
  ...c('ping', (v) => ({ data: v })),
  ...c('find', (v) => ({ paths: [v, `~/${v}`], patterns: v, excludes: v, recurse: true, depth: 2, age: '1d' }), (v) => ({ paths: '/tmp', contains: v, get_checksum: true }), (v) => ({ paths: '/tmp', patterns: [v], use_regex: true, follow: true, file_type: 'any' })),
  ...c('tempfile', (v) => ({ path: v, prefix: v, suffix: v }), (v) => ({ state: 'directory', prefix: v })),
  ...c('authorized_key', (v) => ({ user: v, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA x' }), (v) => ({ user: 'root', path: v, key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA ${v}`, key_options: v, comment: v, follow: true }), (v) => ({ user: 'root', path: `~/${v}`, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA x', exclusive: true }), (v) => ({ user: 'root', key: `https://127.0.0.1:9/${v}`, validate_certs: false })),
  ...c('getent', (v) => ({ database: v, key: v, service: v }), (v) => ({ database: 'passwd', key: v, split: v, fail_key: false })),
];

function shq(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

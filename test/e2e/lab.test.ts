/**
 * The lab for real: three systemd-nspawn hosts, SSH with host key checking,
 * an offline apt install, a service started and stopped, a link cut and
 * healed, a host powered off and on, and a clean teardown. Plus the pure
 * parts (subnets, routes, apt sources, topology, inventory) on recorded input.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshConnection } from '../../engine/connection/index.js';
import { controllerMirrors, mirrorsFrom, parseDeb822, parseOneLine } from '../../engine/lab/apt-sources.js';
import { describeLab } from './helpers/lab-guard.js';
import { downLab, labAvailable, startLab, type Lab } from '../../engine/lab/index.js';
import { inventoryIni } from '../../engine/lab/inventory.js';
import { hostAddress, overlappingRoutes, parseRoutes, parseSubnet, pickFreeSubnet } from '../../engine/lab/network.js';
import { bridgeName, labPaths, vethName } from '../../engine/lab/paths.js';
import { alive, containerInit, mountsUnder, nspawnDirectory, nspawnProcessesUnder, type LabState } from '../../engine/lab/state.js';
import { labCgroups } from '../../engine/lab/cgroup.js';
import { defaultTopology, topologyFromYaml } from '../../engine/lab/topology.js';
import { parseYaml } from '../../engine/yaml.js';
import { run } from '../../engine/lab/sh.js';

// recorded `ip -j route` of a controller with one lab up
const ROUTES = '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},{"dst":"192.0.2.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.0.2.2","flags":[]},{"dst":"10.213.0.0/24","dev":"tsplay-five","protocol":"kernel","scope":"link","prefsrc":"10.213.0.1","flags":[]},{"dst":"172.17.5.9","dev":"eth0","flags":[]}]';

describe('lab: pure parts', () => {
  it('parses subnets and refuses the overlapping ones, never the default route', () => {
    const routes = parseRoutes(ROUTES);
    expect(routes.map((r) => r.dst)).toEqual(['default', '192.0.2.0/24', '10.213.0.0/24', '172.17.5.9']);
    expect(overlappingRoutes(parseSubnet('10.213.0.0/24'), routes).map((r) => r.dev)).toEqual(['tsplay-five']);
    expect(overlappingRoutes(parseSubnet('10.213.0.0/24'), routes, 'tsplay-five')).toEqual([]);
    expect(overlappingRoutes(parseSubnet('192.0.2.128/25'), routes)).toHaveLength(1);
    expect(overlappingRoutes(parseSubnet('172.17.0.0/16'), routes).map((r) => r.dst)).toEqual(['172.17.5.9']);
    expect(overlappingRoutes(parseSubnet('10.0.0.0/16'), routes)).toEqual([]);
    expect(pickFreeSubnet(routes, 'tsplay-lab', parseSubnet('10.213.0.0/24')).cidr).toBe('10.213.1.0/24');
    expect(() => parseSubnet('10.213.0.5/24')).toThrow(/not a network address/);
    try {
      parseSubnet('10.213.0.5/24');
    } catch (e) {
      expect((e as { hint?: string }).hint).toBe('did you mean 10.213.0.0/24?');
    }
    expect(() => parseSubnet('10.213.0.0/8')).toThrow(/invalid subnet/);
    expect(hostAddress(parseSubnet('10.9.8.0/24'), 0)).toBe('10.9.8.11');
    expect(() => hostAddress(parseSubnet('10.9.8.0/26'), 60)).toThrow(/too small/);
  });

  it('names links within 15 characters', () => {
    expect(bridgeName('lab')).toBe('tsplay-lab');
    expect(bridgeName('abcdefgh')).toHaveLength(15);
    expect(vethName('node1')).toBe('vb-node1');
  });

  it('reads the mirrors from deb822 and one-line apt sources', () => {
    const deb822 = `Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main\n`;
    expect(mirrorsFrom(parseDeb822(deb822))).toEqual({ main: 'http://mirror.example/debian', security: 'http://mirror.example/debian-security' });
    const oneLine = '# comment\ndeb [arch=amd64] http://m.example/debian/ bookworm main\ndeb-src http://x bookworm main\n';
    expect(mirrorsFrom(parseOneLine(oneLine)).main).toBe('http://m.example/debian');
    expect(mirrorsFrom([]).security).toBe('http://deb.debian.org/debian-security');
    expect(controllerMirrors().main).toMatch(/^https?:\/\//);
  });

  it('reads topologies, with positions in the errors', () => {
    const t = topologyFromYaml(parseYaml('hosts:\n  - name: pg1\n    groups: [etcd, patroni]\n  - name: etcd4\n', 'topo.yml'));
    expect(t.hosts).toEqual([{ name: 'pg1', groups: ['etcd', 'patroni'] }, { name: 'etcd4', groups: [] }]);
    expect(() => topologyFromYaml(parseYaml('hosts:\n  - name: pg1\n  - name: pg1\n', 't.yml'))).toThrow(/appears twice/);
    try {
      topologyFromYaml(parseYaml('hosts:\n  - name: pg1\n    role: x\n', 't.yml'));
      expect.unreachable();
    } catch (e) {
      expect((e as { source?: { line: number } }).source?.line).toBe(3);
    }
    expect(() => topologyFromYaml(parseYaml('hosts:\n  - name: Way_Too_Long_Name\n', 't.yml'))).toThrow(/invalid host name/);
    expect(defaultTopology(2).hosts.map((h) => h.name)).toEqual(['node1', 'node2']);
    expect(defaultTopology(2, 'e2e').hosts.map((h) => h.name)).toEqual(['e2e-1', 'e2e-2']);
    expect(() => defaultTopology(0)).toThrow(/--hosts/);
  });

  it('writes an INI inventory with connection vars and the topology groups', () => {
    const state: LabState = {
      name: 'lab', subnet: '10.213.0.0/24', bridge: 'tsplay-lab', controller: '10.213.0.1', createdAt: '',
      hosts: [
        { name: 'pg1', address: '10.213.0.11', groups: ['etcd', 'patroni'], machine: 'pg1', veth: 'vb-pg1' },
        { name: 'etcd4', address: '10.213.0.14', groups: ['etcd', 'haproxy'], machine: 'etcd4', veth: 'vb-etcd4' },
      ],
    };
    const ini = inventoryIni(state, '/kh');
    expect(ini).toContain('pg1 ansible_host=10.213.0.11 ansible_user=root ansible_ssh_private_key_file=');
    expect(ini).toContain('ansible_ssh_known_hosts_file=/kh');
    expect(ini).toContain('[etcd]\npg1\netcd4\n');
    expect(ini).toContain('[patroni]\npg1\n');
    expect(ini).toContain('[haproxy]\netcd4\n');
  });

  it('finds the -D directory of nspawn command lines', () => {
    expect(nspawnDirectory(['/usr/bin/systemd-nspawn', '-q', '-D', '/x/merged', '-b'])).toBe('/x/merged');
    expect(nspawnDirectory(['systemd-nspawn', '--directory=/y'])).toBe('/y');
    expect(nspawnDirectory(['sh', '-D', '/x'])).toBeUndefined();
  });

  it('says whether this machine can host a lab', () => {
    const a = labAvailable();
    expect(typeof a.ok).toBe('boolean');
    if (!a.ok) expect(a.reason).toBeTruthy();
  });
});

/** true when a TCP connection to port 22 opens within the timeout */
async function sshPortOpen(address: string, seconds = 3): Promise<boolean> {
  const r = await run(['timeout', String(seconds), 'bash', '-c', `exec 3<>/dev/tcp/${address}/22`]);
  return r.rc === 0;
}

describeLab('lab: three real hosts', () => {
  const LAB = 'e2e';
  let lab: Lab;

  beforeAll(async () => {
    await downLab(LAB); // from bare hosts, whatever an interrupted run left
    lab = await startLab({ name: LAB, hosts: 3 });
    console.log(`lab ${LAB} ready in ${lab.seconds.toFixed(1)} s${lab.builtTemplate ? ' (cold: template built)' : ' (warm cache)'}`);
  }, 900_000);

  afterAll(async () => {
    await lab?.down();
  }, 120_000);

  it('brings up three hosts with an inventory and a known_hosts file', () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['e2e-1', 'e2e-2', 'e2e-3']);
    const ini = readFileSync(lab.inventoryPath, 'utf8');
    for (const h of lab.hosts) expect(ini).toContain(`${h.name} ansible_host=${h.address} ansible_user=root`);
    expect(readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('runs a command on each host over SSH, with host key checking', async () => {
    for (const h of lab.hosts) {
      const conn = new SshConnection({
        host: h.name, address: h.address, username: 'root', privateKeyFile: lab.keyPath, knownHostsFiles: [lab.knownHostsPath], hostKeyChecking: true,
      });
      try {
        const r = await conn.run('hostname; systemctl is-system-running; ip -4 -o addr show host0');
        expect(r.rc).toBe(0);
        const [name, state, addr] = r.stdout.trim().split('\n');
        expect(name).toBe(h.name);
        expect(['running', 'degraded']).toContain(state);
        expect(addr).toContain(`${h.address}/24`);
      } finally {
        await conn.close();
      }
    }
    // each host has its own host key
    const keys = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n').map((l) => l.split(' ')[2]);
    expect(new Set(keys).size).toBe(3);
    // and hosts reach each other by name, but nothing beyond the bridge
    const r = await lab.exec('e2e-1', 'timeout 3 bash -c "exec 3<>/dev/tcp/e2e-2/22" && echo peer; ip route');
    expect(r.stdout).toContain('peer');
    expect(r.stdout).not.toContain('default');
  });

  it('installs a package offline from the local repository', async () => {
    const r = await lab.exec('e2e-2', 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ufw && ufw --version', { timeoutMs: 300_000 });
    expect(r.stderr).not.toMatch(/Could not resolve|Failed to fetch/);
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/ufw 0\.36/);
  }, 300_000);

  it('starts and stops a systemd service', async () => {
    const unit = '[Service]\nExecStart=/bin/sleep infinity\n';
    const setup = await lab.exec('e2e-3', `printf '${unit}' > /etc/systemd/system/tsplay-probe.service && systemctl daemon-reload && systemctl start tsplay-probe && systemctl is-active tsplay-probe`);
    expect(setup.stdout.trim()).toBe('active');
    const stop = await lab.exec('e2e-3', 'systemctl stop tsplay-probe; systemctl is-active tsplay-probe');
    expect(stop.stdout.trim()).toBe('inactive');
  });

  it('cuts and heals a host link', async () => {
    const h = lab.hosts[1]!;
    await lab.cut(h.name);
    expect(await sshPortOpen(h.address, 1)).toBe(false);
    expect((await lab.exec(h.name, 'true')).rc).toBe(255);
    // still reachable from the controller through its namespaces
    expect((await lab.exec(h.name, 'hostname', { via: 'nsenter' })).stdout.trim()).toBe(h.name);
    await lab.heal(h.name);
    expect(await sshPortOpen(h.address)).toBe(true);
    expect((await lab.exec(h.name, 'true')).rc).toBe(0);
  });

  it('powers a host off and boots it again with its disk', async () => {
    const h = lab.hosts[2]!;
    await lab.exec(h.name, 'echo kept > /root/marker');
    await lab.stop(h.name);
    expect(await sshPortOpen(h.address, 1)).toBe(false);
    await lab.start(h.name);
    const r = await lab.exec(h.name, 'cat /root/marker; systemctl is-system-running');
    expect(r.stdout).toMatch(/^kept\n(running|degraded)/);
  });

  it('is a no-op to start it twice', async () => {
    const again = await startLab({ name: LAB, hosts: 3 });
    expect(again.reused).toBe(true);
    expect(again.hosts).toEqual(lab.hosts);
  });

  it('leaves no mounts, links or processes after down', async () => {
    const dir = labPaths(LAB).dir;
    const report = await lab.down();
    expect(report.stopped).toBe(3);
    expect(mountsUnder(dir)).toEqual([]);
    expect(nspawnProcessesUnder(dir)).toEqual([]);
    const links = await run(['ip', '-j', 'link', 'show']);
    const names = (JSON.parse(links.stdout) as { ifname: string }[]).map((l) => l.ifname);
    expect(names.filter((n) => n === bridgeName(LAB) || n.startsWith('vb-e2e-'))).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    const again = await lab.down();
    expect(again.found).toBe(false);
  });
});

describeLab('lab: down after a crash', () => {
  it('finds and removes what a killed run left behind', async () => {
    const lab = await startLab({ name: 'e2ecrash', hosts: 1 });
    const dir = labPaths('e2ecrash').dir;
    try {
      // nspawn killed hard (its container keeps running) and the record lost
      const [nspawn] = nspawnProcessesUnder(dir);
      const init = containerInit(nspawn!.pid)!;
      process.kill(nspawn!.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(init)).toBe(true);
      rmSync(labPaths('e2ecrash').state);
      const report = await lab.down();
      expect(report.found).toBe(true);
      expect(report.unmounted).toBe(1);
      expect(mountsUnder(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect((await run(['ip', 'link', 'show', 'dev', 'tsplay-e2ecrash'])).rc).not.toBe(0);
      // the orphaned container (init and all) was killed through its cgroup
      const stat = existsSync(`/proc/${init}/stat`) ? readFileSync(`/proc/${init}/stat`, 'utf8') : '';
      expect(stat === '' || / Z /.test(stat)).toBe(true);
      expect(labCgroups('e2ecrash')).toEqual([]);
    } finally {
      await lab.down();
    }
  }, 120_000);
});


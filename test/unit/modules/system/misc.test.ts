import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cron, parseCronProbe, type CronParams } from '../../../../modules/system/cron.js';
import { editCron, findJob, jobLine } from '../../../../modules/system/cron-edit.js';
import { hostname, hostnameStrategy, parseHostnameProbe } from '../../../../modules/system/hostname.js';
import { editLocaleGen, localeGen, normalizeLocale, parseLocaleProbe } from '../../../../modules/system/locale-gen.js';
import { modprobe, parseModprobeProbe, planModprobe } from '../../../../modules/system/modprobe.js';
import { FakeHost, HOSTILE, runSys, withDefaults } from './fake-host.js';

const fx = (n: string): string => readFileSync(new URL(`../../../fixtures/system/${n}`, import.meta.url), 'utf8');
const pc = { host: 'h', check: false, diff: true, noLog: false };

describe('hostname', () => {
  const f = { ...parseHostnameProbe(fx('hostname-probe-bookworm.txt')), strategy: 'systemd' as const };
  it('reads the running name, /etc/hostname and systemd (recorded on a lab host)', () => {
    expect(parseHostnameProbe(fx('hostname-probe-bookworm.txt'))).toEqual({ current: 'sysmod-2', file: 'sysmod-2', systemd: true });
    expect(hostnameStrategy({ name: 'x' }, { current: '', file: '', systemd: false })).toBe('file');
    expect(hostnameStrategy({ name: 'x', use: 'redhat' }, { current: '', file: '', systemd: false })).toBe('systemd');
  });
  it('plans a rename, nothing when both agree; apply uses hostnamectl', async () => {
    expect(hostname.plan({ name: 'sysmod-2' }, f, pc).changes).toEqual([]);
    expect(hostname.plan({ name: 'pg1' }, f, pc).changes).toEqual(['set host name sysmod-2 -> pg1 (hostnamectl)']);
    expect(hostname.plan({ name: 'sysmod-2' }, { ...f, file: 'old' }, pc).changes).toHaveLength(1);
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-hostname-probe' ? fx('hostname-probe-bookworm.txt') : undefined));
    expect((await runSys(hostname, { name: 'pg1' }, h, { check: true })).changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    await runSys(hostname, { name: 'pg1' }, h);
    expect(h.calls.at(-1)!.argv).toEqual(['hostnamectl', 'set-hostname', 'pg1']);
    expect(() => withDefaults(hostname, { name: 'a;b' })).toThrow(/invalid params/);
  });
});

describe('modprobe', () => {
  // /proc/modules line format of a RHEL 9 / bookworm kernel
  const loaded = '@@loaded\nbr_netfilter 32768 0 - Live 0x0000000000000000\n@@builtin\n@@load\npresent\nbr_netfilter\n@@options\n@@end\n';
  it('reads /proc/modules, builtin and the boot files', () => {
    expect(parseModprobeProbe(fx('modprobe-probe-bookworm.txt'))).toEqual({ loaded: false, builtin: false, loadFile: undefined, optionsFile: undefined });
    expect(parseModprobeProbe(loaded)).toEqual({ loaded: true, builtin: false, loadFile: 'br_netfilter\n', optionsFile: undefined });
  });
  it('loads, unloads and writes the persistence files only when they differ', () => {
    const none = parseModprobeProbe(fx('modprobe-probe-bookworm.txt'));
    const p = { name: 'br_netfilter', state: 'present' as const, params: 'a=1', persistent: 'present' as const };
    expect(planModprobe(p, none).changes).toEqual(['load module br_netfilter with a=1', 'write /etc/modules-load.d/br_netfilter.conf', 'write /etc/modprobe.d/br_netfilter.conf']);
    const after = { loaded: true, builtin: false, loadFile: 'br_netfilter\n', optionsFile: 'options br_netfilter a=1\n' };
    expect(planModprobe(p, after).changes).toEqual([]);
    expect(planModprobe({ name: 'br_netfilter', state: 'absent', persistent: 'absent' }, parseModprobeProbe(loaded)).changes).toEqual(['unload module br_netfilter', 'remove /etc/modules-load.d/br_netfilter.conf']);
    expect(planModprobe({ name: 'x', state: 'present' }, { loaded: false, builtin: true }).changes).toEqual([]);
  });
  it('check mode probes only; names are validated', async () => {
    const h = new FakeHost(() => fx('modprobe-probe-bookworm.txt'));
    expect((await runSys(modprobe, { name: 'dummy' }, h, { check: true })).changed).toBe(true);
    expect(h.calls).toHaveLength(1);
    for (const bad of HOSTILE) expect(() => withDefaults(modprobe, { name: bad })).toThrow(/invalid params/);
  });
});

describe('cron', () => {
  const p = (x: Record<string, unknown>) => withDefaults<CronParams>(cron, x);
  it('writes lines as Ansible does and edits only the named job', () => {
    expect(jobLine({ name: 'a', minute: '0', hour: '3', job: '/x' }, false)).toBe('0 3 * * * /x');
    expect(jobLine({ name: 'a', special_time: 'reboot', job: '/x', user: 'postgres' }, true)).toBe('@reboot postgres /x');
    expect(jobLine({ name: 'a', job: '/x', disabled: true }, false)).toBe('#* * * * * /x');
    const text = 'MAILTO=""\n#Ansible: a\n0 3 * * * /x\n#Ansible: b\n* * * * * /y\n';
    expect(findJob(text, 'b')).toBe('* * * * * /y');
    expect(editCron(text, 'a', '5 3 * * * /x')).toBe('MAILTO=""\n#Ansible: a\n5 3 * * * /x\n#Ansible: b\n* * * * * /y\n');
    expect(editCron(text, 'a', undefined)).toBe('MAILTO=""\n#Ansible: b\n* * * * * /y\n');
    expect(editCron('', 'c', '@daily /z')).toBe('#Ansible: c\n@daily /z\n');
  });
  it('plans on recorded probes: a new cron file, nothing when present, a crontab needs cron installed', () => {
    const nofile = parseCronProbe(fx('cron-probe-bookworm-nofile.txt'));
    const r = cron.plan(p({ name: 'vacuum', hour: '3', minute: '0', job: 'vacuumdb -a', user: 'postgres', cron_file: 'tsplay-vacuum' }), nofile, pc);
    expect(r.changes).toEqual(['add job vacuum in /etc/cron.d/tsplay-vacuum']);
    expect(r.state?.after).toBe('#Ansible: vacuum\n0 3 * * * postgres vacuumdb -a\n');
    const after = { text: r.state!.after, exists: true, hasCrontab: true };
    expect(cron.plan(p({ name: 'vacuum', hour: '3', minute: '0', job: 'vacuumdb -a', user: 'postgres', cron_file: 'tsplay-vacuum' }), after, pc).changes).toEqual([]);
    expect(cron.plan(p({ name: 'vacuum', state: 'absent', cron_file: 'tsplay-vacuum' }), after, pc).state?.after).toBe('');
    expect(() => cron.plan(p({ name: 'x', job: '/x' }), parseCronProbe(fx('cron-probe-bookworm-nocrontab.txt')), pc)).toThrow(/crontab is not installed/);
    expect(() => withDefaults(cron, { name: 'x', job: 'a\nb' })).toThrow(/invalid params/);
    expect(() => withDefaults(cron, { name: 'x', job: 'a', minute: '0 * * * * root /evil\n' })).toThrow(/invalid params/);
  });
  it('a user crontab is written with crontab -u USER - and the text on stdin', async () => {
    const h = new FakeHost((c) => (c.argv[3] === 'tsplay-cron-probe' ? '@@exists\nyes\n@@crontab\nyes\n@@text\n@@end\n' : undefined));
    await runSys(cron, { name: 'j', job: 'echo $(id) `id`', user: 'postgres' }, h);
    expect(h.calls.at(-1)!.argv).toEqual(['crontab', '-u', 'postgres', '-']);
    expect(h.calls.at(-1)!.stdin).toBe('#Ansible: j\n* * * * * echo $(id) `id`\n');
  });
});

describe('locale_gen', () => {
  it('normalises names and reads the probe (recorded: a host without the locales package)', () => {
    expect(normalizeLocale('en_US.UTF-8')).toBe('en_US.utf8');
    expect(normalizeLocale('de_DE.ISO-8859-15@euro')).toBe('de_DE.iso885915@euro');
    const f = parseLocaleProbe(fx('locale-probe-bookworm-nolocales.txt'));
    expect(f.available).toEqual(['C', 'C.utf8', 'POSIX']);
    expect(() => localeGen.plan({ name: 'en_US.UTF-8', state: 'present' }, f, pc)).toThrow(/not supported here/);
    expect(localeGen.plan({ name: 'C.UTF-8', state: 'present' }, f, pc).changes).toEqual([]);
  });
  it('uncomments or comments the line of /etc/locale.gen', () => {
    const gen = '# en_GB.UTF-8 UTF-8\n# en_US.UTF-8 UTF-8\n';
    expect(editLocaleGen(gen, 'en_US.UTF-8', true)).toBe('# en_GB.UTF-8 UTF-8\nen_US.UTF-8 UTF-8\n');
    expect(editLocaleGen('en_US.UTF-8 UTF-8\n', 'en_US.UTF-8', false)).toBe('# en_US.UTF-8 UTF-8\n');
    expect(editLocaleGen('', 'fr_FR.UTF-8', true, 'fr_FR.UTF-8 UTF-8')).toBe('fr_FR.UTF-8 UTF-8\n');
    const f = { available: ['C', 'en_US.utf8'], localeGen: 'en_US.UTF-8 UTF-8\n', supported: 'en_US.UTF-8 UTF-8' };
    expect(localeGen.plan({ name: 'en_US.UTF-8', state: 'present' }, f, pc).changes).toEqual([]);
    expect(localeGen.plan({ name: 'en_US.UTF-8', state: 'absent' }, f, pc).state?.after).toBe('# en_US.UTF-8 UTF-8\n');
  });
});

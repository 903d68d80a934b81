import { describe, expect, it } from 'vitest';
import { applySymbolicMode, formatMode, octalModeValue, targetMode } from '../../../../modules/lib/mode.js';
import { parsePyTemplate, pyRegex, pySubn, expandTemplate } from '../../../../modules/lib/pyregex.js';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleContext } from '../../../../engine/module-api.js';
import type { RunOptions } from '../../../../engine/connection/types.js';
import { buildCommandText } from '../../../../engine/connection/command-script.js';
import { EXPECT_MAX, parseProbeOutput, probePaths, probeScript, type ProbeRequest } from '../../../../modules/lib/probe.js';
import { contentDiff, isBinary } from '../../../../modules/lib/diff.js';
import { backupCommand, validateCommand } from '../../../../modules/lib/content.js';
import { statDict } from '../../../../modules/files/stat.js';

describe('modes', () => {
  it('reads octal strings and YAML 1.1 numbers', () => {
    expect(octalModeValue('0644')).toBe(0o644);
    expect(octalModeValue('644')).toBe(0o644);
    expect(octalModeValue(420)).toBe(0o644);
    expect(octalModeValue('01777')).toBe(0o1777);
    expect(() => octalModeValue('0999')).toThrow();
    expect(formatMode(0o644)).toBe('0644');
  });

  it('applies symbolic modes like chmod', () => {
    expect(applySymbolicMode(0o644, 'u=rw,g=r,o=r', false)).toBe(0o644);
    expect(applySymbolicMode(0o600, 'a+r', false)).toBe(0o644);
    expect(applySymbolicMode(0o644, 'go-rwx', false)).toBe(0o600);
    expect(applySymbolicMode(0o644, '+x', false)).toBe(0o755);
    expect(applySymbolicMode(0o644, 'a+X', false)).toBe(0o644);
    expect(applySymbolicMode(0o644, 'a+X', true)).toBe(0o755);
    expect(applySymbolicMode(0o744, 'g=u', false)).toBe(0o774);
    expect(applySymbolicMode(0o755, 'u+s,o+t', true)).toBe(0o5755);
    expect(() => applySymbolicMode(0o644, 'q+r', false)).toThrow(/invalid symbolic/);
  });

  it('targets: unmanaged, preserve, symbolic from the default of new files', () => {
    expect(targetMode(undefined, { isDir: false })).toBeUndefined();
    expect(targetMode('preserve', { isDir: false })).toBeUndefined();
    expect(targetMode('u+x', { isDir: false, defaultMode: 0o644 })).toBe(0o744);
  });
});

describe('python regex translation', () => {
  it('named groups, (?P=name), \\A, \\Z, inline flags', () => {
    expect(pyRegex('(?P<k>\\w+)=(?P=k)').exec('a=a')!.groups!.k).toBe('a');
    expect(pyRegex('\\Aab\\Z').test('ab')).toBe(true);
    expect(pyRegex('ab\\Z').test('ab\n')).toBe(false);
    expect(pyRegex('(?i)abc').test('ABC')).toBe(true);
    expect(pyRegex('[]a]').test(']')).toBe(true);
    expect(pyRegex('(?x) ^ a \\ b  # comment\n [ ]c$').test('a bc')).toBe(false);
    expect(pyRegex('(?x) ^ a \\ b  # comment\n [ ]c$').test('a b c')).toBe(true);
    expect(pyRegex('^a{,2}$').test('aa')).toBe(true);
    expect(pyRegex('^a{,2}$').test('aaa')).toBe(false);
  });

  it('replacement templates: \\1 \\g<1> \\g<name>, escapes, literal $', () => {
    const m = pyRegex('(?P<a>x)(y)?').exec('x')!;
    expect(expandTemplate(parsePyTemplate('\\1-\\g<a>-\\g<2>-$1\\n'), m)).toBe('x-x--$1\n');
    expect(pySubn(pyRegex('^(\\w)', { flags: 'm' }), '[\\1]', 'ab\ncd').result).toBe('[a]b\n[c]d');
    expect(pySubn(pyRegex('z'), 'y', 'ab').count).toBe(0);
  });
});

// recorded on Debian 12 (GNU coreutils 9.1, dash 0.5.12) by probeScript for: /tmp/rec/f (0640 "hello\n", sha1 + content
// up to 4096 bytes: the content comes back and the checksum is computed from it, no sha1sum), /tmp/rec/l -> f (lstat),
// the same link followed (sha256), the directory /tmp/rec/d, a missing path, the directory followed (reuses entry 3:
// not a link), /tmp/rec and /tmp/rec/nope exists-only, plus an extra "X tool" line
const RECORDED =
  'U 0022\n' +
  'I uid=0(root) gid=0(root) groups=0(root)\n' +
  '@@ 0\n' +
  'S 81a0|0|0|6|1795341851|1795341851|1795341851|2360703|65024|1|8|512|0|0|root|root\n' +
  'A r\n' +
  'A w\n' +
  'B aGVsbG8K\n' +
  '@@ 1\n' +
  'S a1ff|0|0|1|1795341851|1795341851|1795341851|2360704|65024|1|0|512|0|0|root|root\n' +
  'L Zgo=\n' +
  'R L3RtcC9yZWMvZgo=\n' +
  'A r\n' +
  'A w\n' +
  '@@ 2\n' +
  'S 81a0|0|0|6|1795341851|1795341851|1795341851|2360703|65024|1|8|512|0|0|root|root\n' +
  'L Zgo=\n' +
  'R L3RtcC9yZWMvZgo=\n' +
  'A r\n' +
  'A w\n' +
  'C 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n' +
  '@@ 3\n' +
  'S 41ed|0|0|4096|1795341851|1795341851|1795341851|2360702|65024|2|8|512|0|0|root|root\n' +
  'A r\n' +
  'A w\n' +
  'A x\n' +
  '@@ 4\n' +
  'N\n' +
  '@@ 5\n' +
  '= 3\n' +
  '@@ 6\n' +
  '@@ 7\n' +
  'N\n' +
  'X tool curl\n';

describe('probe output parser (recorded output)', () => {
  const reqs: ProbeRequest[] = [
    { path: '/tmp/rec/f', checksum: 'sha1', contentMax: 4096 },
    { path: '/tmp/rec/l' },
    { path: '/tmp/rec/l', follow: true, checksum: 'sha256' },
    { path: '/tmp/rec/d' },
    { path: '/tmp/rec/missing' },
    { path: '/tmp/rec/d', follow: true },
    { path: '/tmp/rec', follow: true, existsOnly: true },
    { path: '/tmp/rec/nope', follow: true, existsOnly: true },
  ];
  const out = parseProbeOutput(RECORDED, reqs);

  it('a checksum asked with content that came back is computed from the content (the recording has no sha1 line)', () => {
    expect(RECORDED).not.toMatch(/\nC [0-9a-f]{40}\n/);
    expect(out.stats[0]!.checksum).toBe('f572d396fae9206628714fb2ce00f72e94f2258f');
    // without the requests (paths only) nothing is computed
    expect(parseProbeOutput(RECORDED, reqs.map((r) => r.path)).stats[0]!.checksum).toBeUndefined();
  });

  it('parses file, link, followed link, directory and missing entries', () => {
    const [f, l, lf, d, missing] = out.stats;
    expect(out.umask).toBe(0o022);
    expect(out.extra).toEqual({ tool: 'curl' });
    expect(f).toMatchObject({ exists: true, type: 'file', mode: 0o640, size: 6, owner: 'root', uid: 0, nlink: 1, readable: true, writeable: true, executable: false });
    expect(f!.checksum).toBe('f572d396fae9206628714fb2ce00f72e94f2258f');
    expect(f!.content!.toString()).toBe('hello\n');
    expect(l).toMatchObject({ type: 'link', linkTarget: 'f', linkResolved: '/tmp/rec/f' });
    expect(lf).toMatchObject({ type: 'file', checksum: expect.stringMatching(/^5891/) });
    expect(d).toMatchObject({ type: 'directory', mode: 0o755, executable: true });
    expect(missing!.exists).toBe(false);
    expect(out.user).toBe('root');
    expect(out.group).toBe('root');
  });

  it('copies an entry that was the same unfollowed (= N) and reads exists-only entries', () => {
    const [, , , d, , dFollowed, parent, nope] = out.stats;
    expect(dFollowed).toEqual({ ...d, path: '/tmp/rec/d' });
    expect(parent).toMatchObject({ path: '/tmp/rec', exists: true });
    expect(nope).toMatchObject({ path: '/tmp/rec/nope', exists: false });
  });

  it('reads id without names, and the older "I user group" line', () => {
    expect(parseProbeOutput('I uid=1234 gid=1234 groups=1234\n', []).user).toBe('1234');
    expect(parseProbeOutput('I uid=1000(ann) gid=100(users) groups=100(users)\n', [])).toMatchObject({ user: 'ann', group: 'users' });
    expect(parseProbeOutput('I ann users\n', [])).toMatchObject({ user: 'ann', group: 'users' });
  });

  it("builds Ansible's stat dict", () => {
    const s = statDict(out.stats[0]!);
    expect(s).toMatchObject({ exists: true, path: '/tmp/rec/f', mode: '0640', isreg: true, isdir: false, islnk: false, pw_name: 'root', rusr: true, rgrp: true, roth: false, size: 6, mtime: 1795341851 });
    expect(statDict(out.stats[1]!)).toMatchObject({ islnk: true, lnk_target: 'f', lnk_source: '/tmp/rec/f' });
    expect(statDict(out.stats[4]!)).toEqual({ exists: false });
  });

  it('quotes every path in the script', () => {
    const s = probeScript([{ path: "/x/a'b $(rm -rf /)`x`;\n" }]);
    expect(s).toContain(`p='/x/a'\\''b $(rm -rf /)\`x\`;\n'`);
  });
});

describe('probePaths on this machine (sh)', () => {
  const scripts: string[] = [];
  /** what each probe left in the session shell: its variables p s c z, and the cwd */
  const leftovers: string[] = [];
  const M = '__tsplay_00112233445566778899aabb';
  // as a persistent session shell runs it (RunOptions.inline), then a look at the shell's state afterwards
  let path = process.env.PATH;
  const ctx = {
    run: async (script: string, opts?: RunOptions) => {
      scripts.push(script);
      const after = `printf '%s|%s|[%s]\\n' "\${p-}\${s-}\${c-}\${z-}\${l-}" "$PWD" "$IFS" >&2\n`;
      const r = spawnSync('sh', [], { input: buildCommandText({ script, inline: opts?.inline }, M, 1) + after, encoding: 'utf8', env: { ...process.env, PATH: path } });
      const rc = new RegExp(`${M}:1:(\\d+)\\n`).exec(r.stdout);
      const [stderr, state] = r.stderr.split(`${M}:1\n`);
      leftovers.push(opts?.inline === 'group' ? state! : 'not inline');
      return { rc: Number(rc![1]), stdout: r.stdout.slice(0, rc!.index), stderr, shown: 'probe' };
    },
  } as unknown as ModuleContext;

  it('runs in the session shell as a group and leaves no variable or cwd behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    try {
      writeFileSync(join(dir, 'f'), 'x');
      symlinkSync('f', join(dir, 'l'));
      await probePaths(ctx, [{ path: join(dir, 'l'), follow: true, checksum: 'sha1', contentMax: 10 }, { path: join(dir, 'f'), checksum: 'md5' }]);
      await probePaths(ctx, [{ path: join(dir, 'f'), checksum: 'sha1', expect: Buffer.from('x') }], { who: false });
      expect(leftovers.at(-1)).toBe(`|${process.cwd()}|[ \t\n]\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expected content: compared with shell builtins (no sha1sum) when it is the same, sha1sum otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    // a sha1sum that says so: a checksum of FAKE means the process ran
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'sha1sum'), '#!/bin/sh\necho "FAKE  -"\n', { mode: 0o755 });
    path = `${join(dir, 'bin')}:${process.env.PATH}`;
    const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
    const check = async (file: Buffer, expect: Buffer) => {
      writeFileSync(join(dir, 'f'), file);
      return (await probePaths(ctx, [{ path: join(dir, 'f'), follow: true, checksum: 'sha1', expect }], { who: false })).stats[0]!.checksum;
    };
    try {
      const texts = ['a\nb c\n', 'no newline at the end', '  spaces  \n\n\ttabs\\n back\\slash \'quote\' "dq" $HOME `x`\n', 'crlf\r\nline\r\n', 'ünïcødé ✓\n', '\n', ''];
      for (const t of texts) expect(await check(Buffer.from(t), Buffer.from(t)), JSON.stringify(t)).toBe(sha1(Buffer.from(t)));
      // different content, same size; a NUL that read would drop; longer; above EXPECT_MAX; expected text with a NUL
      expect(await check(Buffer.from('a\nb d\n'), Buffer.from('a\nb c\n'))).toBe('FAKE');
      expect(await check(Buffer.from('ab\0\n'), Buffer.from('abc\n'))).toBe('FAKE');
      expect(await check(Buffer.from('ab\0\n'), Buffer.from('ab\n'))).toBe('FAKE');
      expect(await check(Buffer.from('abc\n\n'), Buffer.from('abc\n'))).toBe('FAKE');
      const big = Buffer.from('y'.repeat(EXPECT_MAX + 1));
      expect(await check(big, big)).toBe('FAKE');
      expect(await check(Buffer.from('a\0b'), Buffer.from('a\0b'))).toBe('FAKE');
      expect(await check(Buffer.from([0xff, 0x0a]), Buffer.from([0xff, 0x0a]))).toBe('FAKE');
    } finally {
      path = process.env.PATH;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checksums: computed from content up to contentMax (no checksum process), by the host above it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    try {
      const small = join(dir, 'small');
      const big = join(dir, 'big');
      writeFileSync(small, 'small\n');
      writeFileSync(big, 'b'.repeat(100));
      const sum = (algo: string, f: string) => spawnSync(`${algo}sum`, [f], { encoding: 'utf8' }).stdout.split(' ')[0];
      const out = await probePaths(ctx, [{ path: small, checksum: 'sha256', contentMax: 50 }, { path: big, checksum: 'sha1', contentMax: 50 }], { who: false });
      expect(out.raw).not.toMatch(/^C [0-9a-f]{64}$/m);
      expect(out.raw.match(/^C /gm)).toHaveLength(1);
      expect(out.stats[0]).toMatchObject({ checksum: sum('sha256', small), content: Buffer.from('small\n') });
      expect(out.stats[1]!.checksum).toBe(sum('sha1', big));
      expect(out.stats[1]!.content).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probes a path asked twice once, reuses the unfollowed stat of a non-link, follows links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    try {
      writeFileSync(join(dir, 'f'), 'hello\n');
      symlinkSync('f', join(dir, 'l'));
      const f = join(dir, 'f');
      const l = join(dir, 'l');
      const out = await probePaths(ctx, [
        { path: f, checksum: 'sha1', contentMax: 10 },
        { path: f, checksum: 'sha1', contentMax: 10 },
        { path: f, follow: true, checksum: 'sha1', contentMax: 10 },
        { path: l },
        { path: l, follow: true },
        { path: join(dir, 'nope'), existsOnly: true },
      ]);
      expect(scripts.at(-1)).not.toContain("'@@ 5'");
      const [a, b, c, link, target, nope] = out.stats;
      expect(a).toMatchObject({ exists: true, type: 'file', size: 6, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f' });
      expect(a!.content!.toString()).toBe('hello\n');
      expect(b).toEqual(a);
      expect(c).toEqual(a);
      expect(link).toMatchObject({ type: 'link', linkTarget: 'f' });
      expect(target).toMatchObject({ type: 'file', size: 6, inode: a!.inode });
      expect(nope!.exists).toBe(false);
      expect(out.umask).toBe(parseInt(spawnSync('sh', ['-c', 'umask'], { encoding: 'utf8' }).stdout, 8));
      expect(out.user).toBe(spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs id only when a file would be created at the target (or in it, when it is a directory)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    try {
      const me = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(dir, 'f'), 'x');
      const user = async (who: { target: string; inDir?: string }) => (await probePaths(ctx, [{ path: who.target }], { who })).user;
      expect(await user({ target: join(dir, 'f'), inDir: join(dir, 'f', 'n') })).toBe('');
      expect(await user({ target: join(dir, 'missing') })).toBe(me);
      expect(await user({ target: dir, inDir: join(dir, 'new') })).toBe(me);
      expect(await user({ target: dir, inDir: join(dir, 'f') })).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('returns no content above contentMax', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'));
    try {
      writeFileSync(join(dir, 'big'), 'x'.repeat(100));
      const out = await probePaths(ctx, [{ path: join(dir, 'big'), follow: true, contentMax: 99 }], { who: false });
      expect(out.stats[0]).toMatchObject({ exists: true, size: 100 });
      expect(out.stats[0]!.content).toBeUndefined();
      expect(scripts.at(-1)).not.toContain('id');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('diffs and commands', () => {
  it('hides binary, private and no_log content', () => {
    expect(isBinary(Buffer.from([0xff, 0xfe]))).toBe(true);
    expect(isBinary(Buffer.from('héllo'))).toBe(false);
    expect(contentDiff({ path: '/a', before: Buffer.from('a'), after: Buffer.from('b'), mode: 0o400, noLog: false }).hidden).toBe(true);
    expect(contentDiff({ path: '/a', before: Buffer.from('a'), after: Buffer.from('b'), mode: 0o644, noLog: false })).toEqual({ path: '/a', before: 'a', after: 'b' });
  });

  it('quotes paths in validate and backup commands', () => {
    expect(validateCommand('visudo -cf %s', '/etc/sudoers.d/.x y')).toBe("visudo -cf '/etc/sudoers.d/.x y'");
    expect(() => validateCommand('visudo -c', '/x')).toThrow(/%s/);
    expect(backupCommand("/a'b")).toContain(`'/a'\\''b'.$$.`);
  });
});

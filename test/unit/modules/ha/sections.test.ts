import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../../engine/connection/local.js';
import { lastError, parseSections, sectionsScript } from '../../../../modules/ha/sections.js';
import { fixture } from './fixtures.js';

describe('sections: many commands in one round trip', () => {
  it('runs every section with stdout, stderr and rc apart, after a prelude', async () => {
    const conn = new LocalConnection('localhost');
    const script = sectionsScript(
      [
        { key: 'a', script: 'echo "$greeting"; echo oops >&2; exit 3' },
        { key: 'b', script: "printf 'no newline'" },
        { key: 'c', script: 'cat; echo "stdin was empty"' },
      ],
      "greeting='hello world'",
    );
    const r = await conn.run(script);
    expect(r.rc).toBe(0);
    expect(parseSections(r.stdout)).toEqual({
      a: { rc: 3, stdout: 'hello world\n', stderr: 'oops\n' },
      b: { rc: 0, stdout: 'no newline', stderr: '' },
      c: { rc: 0, stdout: 'stdin was empty\n', stderr: '' },
    });
    await conn.close();
  });

  it('parses a recorded probe of a lab host', () => {
    const map = parseSections(fixture('etcd/probe-started-3.txt'));
    expect(Object.keys(map)).toEqual(['status', 'list', 'health', 'active', 'enabled', 'data', 'env', 'localstatus']);
    expect(map.active).toEqual({ rc: 0, stdout: 'active\n', stderr: '' });
    expect(map.env!.stdout).toMatch(/^ETCD_NAME=hamod-3\n/);
  });

  it('refuses keys that would break the format', () => {
    expect(() => sectionsScript([{ key: 'a b', script: 'true' }])).toThrow(/bad section key/);
  });

  it("keeps etcdctl's last error line, not its JSON warnings", () => {
    expect(lastError(fixture('etcd/member-add-dup.stderr'))).toBe('Error: etcdserver: re-configuration failed due to not enough started members');
    expect(lastError(fixture('etcd/endpoint-health-dead.stderr'))).toBe('Error: unhealthy cluster');
  });
});

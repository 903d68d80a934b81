import { describe, expect, it } from 'vitest';
import { editEnvFile, parseEnvFile } from '../../../../modules/ha/env-file.js';

describe('env files (systemd EnvironmentFile)', () => {
  it('reads active values, unquoted, the last one winning', () => {
    expect(parseEnvFile('# ETCD_NAME=x\nETCD_NAME="a b"\nA=1\nA=\'2\'\n')).toEqual({ ETCD_NAME: 'a b', A: '2' });
  });

  it('sets keys in place, drops duplicates, appends new ones, keeps comments', () => {
    const text = '# etcd\nETCD_NAME=old\nETCD_DATA_DIR=/d\nETCD_NAME=dup\n';
    expect(editEnvFile(text, { ETCD_NAME: 'node3', ETCD_INITIAL_CLUSTER_STATE: 'existing' })).toBe(
      '# etcd\nETCD_NAME=node3\nETCD_DATA_DIR=/d\nETCD_INITIAL_CLUSTER_STATE=existing\n',
    );
  });

  it('applies defaults only to keys not set', () => {
    expect(editEnvFile('A=1\n', {}, { A: '9', B: '2' })).toBe('A=1\nB=2\n');
  });

  it('quotes values systemd would split, and leaves an unchanged file as it was', () => {
    expect(editEnvFile('', { DAEMON_ARGS: '--a "b" $c' })).toBe('DAEMON_ARGS="--a \\"b\\" \\$c"\n');
    const text = '# keep\nA="x y"\n';
    expect(editEnvFile(text, { A: 'x y' })).toBe(text);
    expect(parseEnvFile(editEnvFile('', { V: 'a"b$c' }))).toEqual({ V: 'a"b$c' });
  });
});

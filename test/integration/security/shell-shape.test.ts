import { describe, expect, it } from 'vitest';
import { shellJoin } from '../../../engine/connection/types.js';
import { shellShape } from './shell-shape.js';

const PAYLOAD = `a'b"c $(touch /tmp/x) \`id\`; d\ne|f&g*h $HOME`;

describe('shellShape (the injection tests rely on it)', () => {
  it('a quoted value keeps the shape; the raw value changes it', () => {
    const safe = shellShape(`cat ${shellJoin(['SAFE'])} | wc -l`);
    expect(shellShape(`cat ${shellJoin([PAYLOAD])} | wc -l`).length).toBe(safe.length);
    expect(shellShape(`cat ${PAYLOAD} | wc -l`)).not.toEqual(safe);
    expect(shellShape(`cat "${PAYLOAD}" | wc -l`)).not.toEqual(shellShape('cat "SAFE" | wc -l'));
  });

  it('sees substitutions, variables, globs, comments and heredocs', () => {
    expect(shellShape('echo $(id)')).toContain('W[$(]');
    expect(shellShape('echo "`id`"').join()).toContain('`');
    expect(shellShape("echo '$(id)'").join()).not.toContain('$(');
    expect(shellShape('ls *.txt').join()).toContain('GLOB');
    expect(shellShape('echo a # b')).toContain('COMMENT');
    expect(shellShape("cat <<'EOF'\n$(id)\nEOF\necho")).toContain('HEREDOC[EOF;0]');
    expect(shellShape('cat <<EOF\n$(id)\nEOF\n')).toContain('HEREDOC[EOF;1]');
  });
});

import { describe, expect, it } from 'vitest';
import { shaCrypt } from '../../../engine/vars/crypt.js';

describe('shaCrypt (SHA-crypt spec vectors)', () => {
  // identical to `openssl passwd -6 -salt saltstring 'Hello world!'`
  it('sha512 with the default 5000 rounds', () => {
    expect(shaCrypt('Hello world!', { salt: 'saltstring' })).toBe(
      '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
    );
  });
  it('sha512 with explicit rounds and a salt cut to 16 chars', () => {
    expect(shaCrypt('Hello world!', { salt: 'saltstringsaltstring', rounds: 10000 })).toBe(
      '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    );
  });
  it('sha256', () => {
    expect(shaCrypt('Hello world!', { salt: 'saltstring', algo: 'sha256' })).toBe(
      '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5' /* openssl passwd -5 */,
    );
  });
  it('a random salt gives a valid, different hash each time', () => {
    const a = shaCrypt('pw');
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(shaCrypt('pw')).not.toBe(a);
  });
});

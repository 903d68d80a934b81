import { defineModule, ModuleFailure } from '../../engine/module-api.js';
import { failCommand, nonEmptyLines, runScript, splitSections } from './common.js';

export interface LocaleGenParams {
  name: string;
  state?: 'present' | 'absent';
}

export interface LocaleFacts {
  /** `locale -a`, normalised */
  available: string[];
  /** /etc/locale.gen ('' when missing) */
  localeGen: string;
  /** the line of /usr/share/i18n/SUPPORTED for the locale, if any */
  supported?: string;
}

/** $1 the locale name. */
export const LOCALE_PROBE = String.raw`
echo @@available; locale -a 2>/dev/null
echo @@gen; cat /etc/locale.gen 2>/dev/null
echo @@supported; awk -v n="$1" '$1 == n' /usr/share/i18n/SUPPORTED 2>/dev/null | head -n 1
echo @@end
`;

/** en_US.UTF-8 and en_US.utf8 are the same locale to glibc. */
export function normalizeLocale(name: string): string {
  const [lang = '', rest] = name.split('.', 2);
  if (rest === undefined) return lang;
  const [charset = '', mod] = rest.split('@', 2);
  return `${lang}.${charset.toLowerCase().replace(/[-_]/g, '')}${mod ? `@${mod}` : ''}`;
}

export function parseLocaleProbe(out: string): LocaleFacts {
  const s = splitSections(out);
  return { available: nonEmptyLines(s.available).map(normalizeLocale), localeGen: s.gen ? `${s.gen.replace(/\n+$/, '')}\n` : '', supported: nonEmptyLines(s.supported)[0] };
}

const lineRe = (name: string): RegExp => new RegExp(`^#?\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);

export const localeGenHas = (text: string, name: string): boolean => text.split('\n').some((l) => lineRe(name).test(l));

/** /etc/locale.gen with the locale's line enabled (uncommented or appended) or commented out. */
export function editLocaleGen(text: string, name: string, enable: boolean, supported?: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const re = lineRe(name);
  let found = false;
  const out = lines.map((l) => {
    if (!re.test(l)) return l;
    found = true;
    const bare = l.replace(/^#\s*/, '');
    return enable ? bare : `# ${bare}`;
  });
  if (!found && enable) out.push(supported ?? `${name} ${name.split('.')[1] ?? 'UTF-8'}`);
  return `${out.join('\n')}\n`;
}

export const localeGen = defineModule<LocaleGenParams, LocaleFacts, { after: string }>({
  name: 'locale_gen',
  aliases: ['community.general.locale_gen'],
  doc: {
    short: 'Generate or remove a locale (Debian: /etc/locale.gen and locale-gen)',
    description: 'Present when `locale -a` lists it (en_US.UTF-8 and en_US.utf8 are the same). Enables or comments its line in /etc/locale.gen and runs locale-gen.',
    examples: ['- locale_gen:', '    name: en_US.UTF-8', '    state: present'].join('\n'),
    returns: { name: 'the locale' },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_.@-]+$', description: 'The locale, as in /usr/share/i18n/SUPPORTED (en_US.UTF-8).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the locale is generated.' },
    },
  },
  async probe(ctx, p) {
    const res = await runScript(ctx, { script: LOCALE_PROBE, name: 'tsplay-locale-probe', args: [p.name] });
    return parseLocaleProbe(res.stdout);
  },
  plan(p, f) {
    const present = (p.state ?? 'present') === 'present';
    const has = f.available.includes(normalizeLocale(p.name));
    if (has === present) return { changes: [], reason: `${p.name} is already ${present ? 'present' : 'absent'}`, data: { name: p.name } };
    if (present && !f.supported && !localeGenHas(f.localeGen, p.name)) throw new ModuleFailure(`locale ${p.name} is not supported here (not in /usr/share/i18n/SUPPORTED; is the locales package installed?)`);
    const after = editLocaleGen(f.localeGen, p.name, present, f.supported);
    return { changes: [`${present ? 'generate' : 'remove'} locale ${p.name}`], data: { name: p.name }, diff: [{ path: '/etc/locale.gen', before: f.localeGen, after }], state: { after } };
  },
  async apply(ctx, _p, plan) {
    await ctx.put(plan.state!.after, '/etc/locale.gen', { mode: '0644' });
    const res = await ctx.run(['locale-gen']);
    if (res.rc !== 0) failCommand('locale-gen', res);
    return { changed: true, data: plan.data, diff: plan.diff };
  },
});

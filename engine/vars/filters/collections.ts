/** Lists and dictionaries: map/select, sort, combine, flatten, set operations. */
import { isUndefined, JinjaUndefined } from '../strict.js';
import { isMapping, isPlainObject, pyCompare, pyEquals, pyStr, pyTruthy, tuple, type PlainObject } from '../pyvalues.js';
import { filter, type CallEnv, type FilterDef, type Kwargs } from './types.js';
import { asList, asMapping, fail, getAttr } from './util.js';

function uniq(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of items) if (!out.some((y) => pyEquals(x, y))) out.push(x);
  return out;
}

function sortKey(v: unknown, caseSensitive: boolean): unknown {
  return typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v;
}

function sortList(items: unknown[], kw: Kwargs, reverse: unknown, caseSensitive: unknown): unknown[] {
  const attrs = kw.attribute === undefined ? [undefined] : String(kw.attribute).split(',').map((a) => a.trim());
  const cs = pyTruthy(kw.case_sensitive ?? caseSensitive);
  const key = (x: unknown): unknown[] => attrs.map((a) => sortKey(a === undefined ? x : getAttr(x, a), cs));
  const out = [...items].sort((a, b) => pyCompare(key(a), key(b)));
  return pyTruthy(kw.reverse ?? reverse) ? out.reverse() : out;
}

/** Ansible's merge_hash: dicts merge when `recursive`, lists follow `listMerge` at every level. */
export function deepMerge(a: PlainObject, b: PlainObject, listMerge: string, recursive = true): PlainObject {
  const out: PlainObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    if (recursive && isPlainObject(cur) && isPlainObject(v)) out[k] = deepMerge(cur, v, listMerge);
    else if (Array.isArray(cur) && Array.isArray(v) && listMerge !== 'replace') out[k] = mergeLists(cur, v, listMerge);
    else out[k] = v;
  }
  return out;
}

function mergeLists(a: unknown[], b: unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'keep':
      return a;
    case 'append':
      return [...a, ...b];
    case 'prepend':
      return [...b, ...a];
    case 'append_rp':
      return [...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b];
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !b.some((y) => pyEquals(x, y)))];
    default:
      return b;
  }
}

function combine(v: unknown, args: unknown[], kw: Kwargs): PlainObject {
  const dicts = [v, ...args].flatMap((d) => (Array.isArray(d) ? d : [d]));
  const recursive = pyTruthy(kw.recursive);
  const listMerge = typeof kw.list_merge === 'string' ? kw.list_merge : 'replace';
  let out: PlainObject = {};
  for (const d of dicts) {
    const m = asMapping(d, 'combine');
    out = deepMerge(out, m, listMerge, recursive);
  }
  return out;
}

export function flatten(items: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of items) {
    if (Array.isArray(x) && (levels === undefined || levels > 0)) {
      out.push(...flatten(x, levels === undefined ? undefined : levels - 1, skipNulls));
    } else if (!(skipNulls && (x === null || x === 'None'))) {
      out.push(x);
    }
  }
  return out;
}

function mapFilter(v: unknown, args: unknown[], kw: Kwargs, env: CallEnv): unknown[] {
  const items = asList(v, 'map');
  if (kw.attribute !== undefined) {
    return items.map((x) => {
      const r = getAttr(x, kw.attribute, env.member);
      if (r !== undefined) return r;
      if (Object.hasOwn(kw, 'default')) return kw.default;
      return fail(`map: '${pyStr(kw.attribute)}' is undefined on an item`, 'give map(attribute=..., default=...) a default');
    });
  }
  const [name, ...rest] = args;
  if (typeof name !== 'string') return fail('map: expected a filter name or attribute=');
  const f = env.filter(name);
  const { __keywords: _ignored, ...fkw } = kw;
  return items.map((x) => f.fn(x, rest, fkw, env));
}

function selectLike(attr: boolean, keep: boolean): FilterDef['fn'] {
  return (v, args, _kw, env) => {
    const items = asList(v, 'select');
    const [a, testName, ...rest] = attr ? args : [undefined, ...args];
    // a missing attribute is undefined, so that selectattr('x', 'defined') works
    const pick = (x: unknown): unknown => (attr ? (getAttr(x, a, env.member) ?? new JinjaUndefined(String(a))) : x);
    if (testName === undefined) return items.filter((x) => { const p = pick(x); return (!isUndefined(p) && pyTruthy(p)) === keep; });
    const t = env.test(String(testName));
    return items.filter((x) => {
      const val = pick(x);
      if (isUndefined(val) && !t.acceptsUndefined) return !keep;
      return t.fn(val, rest, env, {}) === keep;
    });
  };
}


function minMax(sign: 1 | -1): FilterDef['fn'] {
  return (v, _args, kw) => {
    const items = asList(v, sign > 0 ? 'max' : 'min');
    if (items.length === 0) return null;
    const key = (x: unknown): unknown => sortKey(kw.attribute === undefined ? x : getAttr(x, kw.attribute), pyTruthy(kw.case_sensitive));
    return items.reduce((best, x) => (pyCompare(key(x), key(best)) * sign > 0 ? x : best));
  };
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => [...p, x])), [[]]).map((p) => tuple(p));
}

export const collectionFilters: Record<string, FilterDef> = {
  join: filter((v, [sep = '', attribute], kw) => {
    const attr = kw.attribute ?? attribute;
    return asList(v, 'join').map((x) => pyStr(attr === undefined ? x : getAttr(x, attr))).join(pyStr(kw.d ?? sep));
  }),
  list: filter((v) => (isMapping(v) ? Object.keys(v) : [...asList(v, 'list')])),
  length: filter((v) => (isMapping(v) ? Object.keys(v).length : asList(v, 'length').length)),
  first: filter((v) => asList(v, 'first')[0] ?? null),
  last: filter((v) => asList(v, 'last').at(-1) ?? null),
  reverse: filter((v) => (typeof v === 'string' ? [...v].reverse().join('') : [...asList(v, 'reverse')].reverse())),
  unique: filter((v) => uniq(asList(v, 'unique'))),
  sort: filter((v, [reverse = false, cs = false], kw) => sortList(asList(v, 'sort'), kw, reverse, cs)),
  min: filter(minMax(-1)),
  max: filter(minMax(1)),
  sum: filter((v, [attribute, start = 0], kw) => {
    const attr = kw.attribute ?? attribute;
    const items = asList(v, 'sum').map((x) => (attr === undefined ? x : getAttr(x, attr)));
    let acc: unknown = kw.start ?? start;
    for (const x of items) acc = Array.isArray(acc) && Array.isArray(x) ? [...acc, ...x] : Number(acc) + Number(x);
    return acc;
  }),
  flatten: filter((v, [levels], kw) => {
    const l = kw.levels ?? levels;
    return flatten(asList(v, 'flatten'), typeof l === 'number' ? l : undefined, kw.skip_nulls === undefined ? true : pyTruthy(kw.skip_nulls));
  }),
  zip: filter((v, args) => {
    const lists = [v, ...args].map((l) => asList(l, 'zip'));
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => l[i])));
  }),
  zip_longest: filter((v, args, kw) => {
    const lists = [v, ...args].map((l) => asList(l, 'zip_longest'));
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => (i < l.length ? l[i] : (kw.fillvalue ?? null)))));
  }),
  product: filter((v, args) => product([v, ...args].map((l) => asList(l, 'product')))),
  combine: filter((v, args, kw) => combine(v, args, kw)),
  dict2items: filter((v, _a, kw) => {
    const [k, val] = [String(kw.key_name ?? 'key'), String(kw.value_name ?? 'value')];
    return Object.entries(asMapping(v, 'dict2items')).map(([key, value]) => ({ [k]: key, [val]: value }));
  }),
  items2dict: filter((v, _a, kw) => {
    const [k, val] = [String(kw.key_name ?? 'key'), String(kw.value_name ?? 'value')];
    const out: PlainObject = {};
    for (const item of asList(v, 'items2dict')) {
      const m = asMapping(item, 'items2dict');
      if (!(k in m) || !(val in m)) fail(`items2dict: each item needs '${k}' and '${val}' keys`);
      out[pyStr(m[k])] = m[val];
    }
    return out;
  }),
  map: filter(mapFilter),
  select: filter(selectLike(false, true)),
  reject: filter(selectLike(false, false)),
  selectattr: filter(selectLike(true, true)),
  rejectattr: filter(selectLike(true, false)),
  difference: filter((v, [o]) => uniq(asList(v, 'difference').filter((x) => !asList(o, 'difference').some((y) => pyEquals(x, y))))),
  intersect: filter((v, [o]) => uniq(asList(v, 'intersect').filter((x) => asList(o, 'intersect').some((y) => pyEquals(x, y))))),
  union: filter((v, [o]) => uniq([...asList(v, 'union'), ...asList(o, 'union')])),
  symmetric_difference: filter((v, [o]) => {
    const [a, b] = [asList(v, 'symmetric_difference'), asList(o, 'symmetric_difference')];
    return uniq([...a.filter((x) => !b.some((y) => pyEquals(x, y))), ...b.filter((x) => !a.some((y) => pyEquals(x, y)))]);
  }),
  extract: filter((v, [container, morekeys], _kw, env) => {
    let out = getItem(container, v, env);
    for (const k of morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys]) out = getItem(out, k, env);
    return out;
  }),
  batch: filter((v, [size, fill]) => {
    const items = asList(v, 'batch');
    const n = Number(size);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out.at(-1);
    if (last && fill !== undefined) while (last.length < n) last.push(fill);
    return out;
  }),
  dictsort: filter((v, [cs = false, by = 'key', reverse = false]) => {
    const entries = Object.entries(asMapping(v, 'dictsort')).map((e) => tuple(e));
    const i = by === 'value' ? 1 : 0;
    const out = entries.sort((a, b) => pyCompare(sortKey(a[i], pyTruthy(cs)), sortKey(b[i], pyTruthy(cs))));
    return pyTruthy(reverse) ? out.reverse() : out;
  }),
};
collectionFilters.count = collectionFilters.length!;

function getItem(container: unknown, key: unknown, env: CallEnv): unknown {
  if (Array.isArray(container) && typeof key === 'number') return container[key];
  if (isMapping(container)) {
    const v = env.member(container, String(key));
    if (v !== undefined) return v;
  }
  return fail(`extract: '${pyStr(key)}' not found`);
}

/**
 * Ansible's tag selection (--tags / --skip-tags) with the special tags
 * `always`, `never`, `all`, `tagged` and `untagged`.
 */
export interface TagFilter {
  only: string[];
  skip: string[];
}

export function makeTagFilter(tags?: string[], skipTags?: string[]): TagFilter {
  return { only: tags && tags.length > 0 ? tags : ['all'], skip: skipTags ?? [] };
}

export function shouldRunByTags(taskTags: readonly string[], filter: TagFilter): boolean {
  const tags = new Set(taskTags.length > 0 ? taskTags : ['untagged']);
  const untagged = tags.size === 1 && tags.has('untagged');
  const hasAny = (list: readonly string[]): boolean => list.some((t) => tags.has(t));
  let run: boolean;
  if (tags.has('always')) run = true;
  else if (filter.only.includes('all') && !tags.has('never')) run = true;
  else if (hasAny(filter.only)) run = true;
  else run = filter.only.includes('tagged') && !untagged && !tags.has('never');
  if (!run || filter.skip.length === 0) return run;
  if (filter.skip.includes('all')) return tags.has('always') && !filter.skip.includes('always');
  if (hasAny(filter.skip)) return false;
  return !(filter.skip.includes('tagged') && !untagged);
}

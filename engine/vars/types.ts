import type { SourcePos } from '../errors.js';

/** What the template engine needs beyond the variables. */
export interface TemplateContext {
  /** where the template text came from, for error positions */
  source?: SourcePos;
  /** directory for the `file`/`template` lookups and relative paths */
  baseDir?: string;
  /** extra search dirs for `template` lookups and {% include %} (role templates/) */
  searchPaths?: string[];
}

import type { AnyModule } from '../../engine/module-api.js';
import { blockinfile } from './blockinfile.js';
import { copy } from './copy.js';
import { fetchModule } from './fetch.js';
import { file } from './file.js';
import { find } from './find.js';
import { getUrl } from './get-url.js';
import { lineinfile } from './lineinfile.js';
import { replace } from './replace.js';
import { slurp } from './slurp.js';
import { stat } from './stat.js';
import { tempfile } from './tempfile.js';
import { template } from './template.js';
import { unarchive } from './unarchive.js';

export { find, tempfile };
export { blockinfile, copy, fetchModule, file, getUrl, lineinfile, replace, slurp, stat, template, unarchive };

/** File modules: content, attributes, links, transfers, archives. */
export const fileModules: AnyModule[] = [copy, file, template, lineinfile, blockinfile, replace, stat, slurp, fetchModule, getUrl, unarchive, find, tempfile];

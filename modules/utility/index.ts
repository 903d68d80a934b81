import type { AnyModule } from '../../engine/module-api.js';
import { debug } from './debug.js';
import { setFact } from './set-fact.js';
import { assert } from './assert.js';
import { fail } from './fail.js';
import { pause } from './pause.js';
import { meta } from './meta.js';
import { includeVars } from './include-vars.js';
import { addHost } from './add-host.js';
import { groupBy } from './group-by.js';
import { ping } from './ping.js';
import { setup } from './setup.js';
import { waitFor } from './wait-for.js';
import { waitForConnection } from './wait-for-connection.js';
import { uri } from './uri.js';
import { sysctl } from './sysctl.js';
import { user } from './user.js';
import { group } from './group.js';

/** Controller utilities, waiting, HTTP, facts, kernel parameters and accounts. */
export const utilityModules: AnyModule[] = [debug, setFact, assert, fail, pause, meta, includeVars, addHost, groupBy, ping, setup, waitFor, waitForConnection, uri, sysctl, user, group];

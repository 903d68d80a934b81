import { defineModule } from '../../engine/module-api.js';
import { applyPatroni } from './patroni-apply.js';
import { planPatroni, type PatroniState } from './patroni-plan.js';
import { probePatroni, type PatroniBootstrapParams, type PatroniFacts } from './patroni-probe.js';

export const patroniBootstrap = defineModule<PatroniBootstrapParams, PatroniFacts, PatroniState>({
  name: 'patroni_bootstrap',
  aliases: ['tsplay.ha.patroni_bootstrap'],
  doc: {
    short: 'Bring a Patroni cluster up: the designated leader first, then the replicas',
    description:
      'Runs on every Patroni host at once (linear strategy; no serial or throttle, or the leader waits for replicas that never start). ' +
      'Reads the config (scope, data_dir, bin_dir, ports, etcd3 hosts; never the passwords) and `/<namespace>/<scope>/initialize` with etcdctl (v3). ' +
      'Preflight while Patroni is not running: etcd answers and its cluster version is 3.4 (Patroni 3.0.2 would use /v3alpha), ' +
      "ports 5432/8008 free, Debian's 15/main not running, the data dir's PG_VERSION matches bin_dir, the local system ID matches the " +
      'initialize key (only force_remove_dcs runs patronictl remove). No key and an empty data dir: the leader starts Patroni and waits for ' +
      '/primary (3.0.2 also answers /master); the others wait for the leader key, start, and wait for /replica or /health. ' +
      'A failed first bootstrap stops Patroni, removes the initialize key, renames the data dir *.failed and fails with the journal. ' +
      'Patroni already running in an initialized cluster: ok.',
    examples: [
      '- patroni_bootstrap:',
      '    leader: "{{ groups.patroni[0] }}"',
      '    expected_members: "{{ groups.patroni | length }}"',
      '    timeout: 300',
    ].join('\n'),
    returns: {
      role: "this member's role from GET /patroni: master (3.x) / primary (4.x) / replica",
      leader: 'the name of the leader in GET /cluster',
      members: 'list of {name, role, state} from GET /cluster',
      system_id: 'the database system identifier',
      changed: 'whether Patroni was started here',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      config: { type: 'string', default: '/etc/patroni/config.yml', description: 'Path of the Patroni config on the host.' },
      rest_url: { type: 'string', default: 'http://127.0.0.1:8008', description: "This member's REST API, as reached from the host." },
      scope: { type: 'string', minLength: 1, description: "Cluster name; default: the config's scope." },
      namespace: { type: 'string', description: "DCS namespace; default: the config's, else /service/." },
      etcd_endpoints: {
        type: 'array', items: { type: 'string' }, minItems: 1,
        description: "etcd client URLs for etcdctl; default: the config's etcd3 hosts.",
      },
      leader: { type: 'string', description: 'Inventory name (or Patroni name) of the host that bootstraps a new cluster; unset: whoever gets the key first.' },
      expected_members: { type: 'integer', minimum: 1, description: 'Wait until /cluster shows this many running members and one leader.' },
      timeout: { type: 'integer', minimum: 1, default: 300, description: 'Seconds for the whole bootstrap on this host (initdb and basebackup included).' },
      force_remove_dcs: { type: 'boolean', default: false, description: "On a system ID mismatch, run patronictl remove (drops the cluster's DCS state) instead of failing." },
      service: { type: 'string', default: 'patroni', description: 'The systemd unit.' },
      cacert: { type: 'string', description: 'CA file on the host for etcd over TLS.' },
      cert: { type: 'string', description: 'Client certificate on the host for etcd over TLS.' },
      key: { type: 'string', description: 'Client key on the host for etcd over TLS.' },
    },
  },
  probe: probePatroni,
  plan: (p, facts, ctx) => planPatroni(p, facts, ctx.host),
  apply: applyPatroni,
});

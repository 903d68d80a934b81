import { defineModule } from '../../engine/module-api.js';
import { applyEtcdMember } from './etcd-member-apply.js';
import { planEtcdAbsent, planEtcdPresent, type EtcdMemberState } from './etcd-member-plan.js';
import { probeEtcdMember, type EtcdMemberFacts, type EtcdMemberParams } from './etcd-member-probe.js';

const urls = (description: string): Record<string, unknown> => ({
  description,
  anyOf: [{ type: 'array', items: { type: 'string' }, minItems: 1 }, { type: 'string', minLength: 1 }],
});

export const etcdMember = defineModule<EtcdMemberParams, EtcdMemberFacts, EtcdMemberState>({
  name: 'etcd_member',
  aliases: ['tsplay.ha.etcd_member'],
  doc: {
    short: 'Add this host to a running etcd cluster, or remove it, one member at a time',
    description:
      'Runs on the node being added or removed and talks to the existing members with etcdctl (v3 API). ' +
      'present: matches the member by peer URL (a member added but never started has no name); an added but unstarted member ' +
      'is started without a second add. Before an add, every member must be started and healthy, and the new size must be odd ' +
      '(unless allow_even_size). The env file gets ETCD_INITIAL_CLUSTER and ETCD_INITIAL_CLUSTER_STATE=existing, a data dir never ' +
      'used by this member (e.g. the lone member started by the Debian package) is emptied, etcd is started and polled until healthy; ' +
      'a learner is promoted once in sync. absent: refuses to shrink a 2-member cluster or below quorum, removes the member, stops and ' +
      'disables etcd and deletes its data dir. Failures name the cause (conflicting cluster ID, not listed in the initial cluster config, ' +
      'member permanently removed) and carry the journal.',
    examples: [
      '- etcd_member:',
      '    name: "{{ inventory_hostname }}"',
      '    peer_urls: ["http://{{ ansible_host }}:2380"]',
      '    client_urls: ["http://{{ ansible_host }}:2379"]',
      '    endpoints: "{{ groups.etcd | difference([inventory_hostname]) | map(\'extract\', hostvars, \'ansible_host\') | map(\'regex_replace\', \'^(.*)$\', \'http://\\\\1:2379\') | list }}"',
      '- etcd_member:',
      '    peer_urls: http://10.0.0.14:2380',
      '    endpoints: http://10.0.0.11:2379,http://10.0.0.12:2379',
      '    state: absent',
    ].join('\n'),
    returns: {
      member_id: 'the member ID in hex (as etcdctl takes it); null when absent',
      cluster_id: 'the cluster ID in hex',
      name: 'the member name',
      members: 'number of members before the change',
      changed: 'whether the membership, env file, data dir or service changed',
    },
  },
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['peer_urls', 'endpoints'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Member name (ETCD_NAME); default: the inventory hostname.' },
      peer_urls: urls("This member's peer URLs (list or comma-separated); the member is found by these."),
      client_urls: urls("This member's client URLs: written as ETCD_ADVERTISE_CLIENT_URLS/ETCD_LISTEN_CLIENT_URLS when the env file has none, and used to check it."),
      endpoints: urls("Client URLs of the existing members; this node's own URLs are left out when others remain."),
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present: a started, healthy voting member; absent: not a member, etcd stopped and its data deleted.' },
      learner: { type: 'boolean', default: false, description: 'Join as a learner first, then promote it once in sync (etcd 3.4 allows one learner at a time).' },
      allow_even_size: { type: 'boolean', default: false, description: 'Allow an add that leaves an even number of members (a step towards the next odd size).' },
      cacert: { type: 'string', description: 'CA file on the host for etcdctl --cacert.' },
      cert: { type: 'string', description: 'Client certificate on the host for etcdctl --cert.' },
      key: { type: 'string', description: 'Client key on the host for etcdctl --key.' },
      env_file: { type: 'string', default: '/etc/default/etcd', description: "The unit's EnvironmentFile." },
      data_dir: { type: 'string', default: '/var/lib/etcd/default', description: 'ETCD_DATA_DIR of this member.' },
      service: { type: 'string', default: 'etcd', description: 'The systemd unit.' },
      timeout: { type: 'integer', minimum: 1, default: 120, description: 'Seconds to wait for the member to become healthy (and promoted).' },
    },
  },
  probe: probeEtcdMember,
  plan(p, facts, ctx) {
    return p.state === 'absent' ? planEtcdAbsent(p, facts, ctx.host) : planEtcdPresent(p, facts, ctx.host);
  },
  apply: applyEtcdMember,
});

/** `serial` batches, `order`, and the max_fail_percentage rule. */
import type { Play } from '../playbook/model.js';
import { TsplayError } from '../errors.js';

/** Splits hosts into batches: numbers, "30%" strings, or a list of them (the last one repeats). */
export function splitBatches(hosts: string[], serial: (number | string)[] | undefined, source?: Play['source']): string[][] {
  if (!serial || serial.length === 0 || hosts.length === 0) return hosts.length ? [hosts] : [];
  const batches: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = batchSize(serial[Math.min(k, serial.length - 1)]!, hosts.length, source);
    batches.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return batches;
}

function batchSize(spec: number | string, total: number, source?: Play['source']): number {
  let n: number;
  if (typeof spec === 'number') n = spec;
  else if (/^\s*\d+(\.\d+)?\s*%\s*$/.test(spec)) n = Math.floor((parseFloat(spec) * total) / 100);
  else if (/^\s*\d+\s*$/.test(spec)) n = parseInt(spec, 10);
  else throw new TsplayError('TSPLAY_SCHEMA', `serial: "${spec}" is neither a number nor a percentage`, { source });
  if (typeof spec === 'number' && n <= 0) return total; // serial: 0 means all hosts
  return Math.max(1, Math.min(n, total));
}

export function orderHosts(hosts: string[], order: Play['order']): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle': {
      const out = [...hosts];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    }
    default:
      return [...hosts];
  }
}

/** Ansible stops when the failed share of the batch is strictly above the limit. */
export function exceedsMaxFail(failed: number, batchSize: number, maxFailPercentage: number | undefined): boolean {
  if (maxFailPercentage === undefined || batchSize === 0) return false;
  return (failed / batchSize) * 100 > maxFailPercentage;
}

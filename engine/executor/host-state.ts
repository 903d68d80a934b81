/** What the executor remembers about one host for the whole run. */
import type { DynamicInclude, Task, VarsMap } from '../playbook/model.js';

export class HostState {
  /** gathered facts (ansible_facts) */
  facts: VarsMap = {};
  /**
   * facts a module returned without the ansible_ prefix (getent_passwd):
   * Ansible also gives them as variables of that name
   */
  plainFacts: VarsMap = {};
  /** set_fact results */
  setFacts: VarsMap = {};
  /** include_vars results (just below set_fact) */
  includeVars: VarsMap = {};
  /** register: results */
  registered: VarsMap = {};
  /** a task failed and was not rescued: the host leaves the play (and later plays) */
  failed = false;
  unreachable = false;
  /** handlers notified and not yet run, by handler node */
  readonly notified = new Set<Task | DynamicInclude>();

  constructor(readonly name: string) {}

  /**
   * set_fact and register share one store in Ansible (the non-persistent fact
   * cache): the later write wins, whichever kind. Kept as two maps, a name
   * lives in one of them only.
   */
  setFact(values: VarsMap): void {
    for (const [k, v] of Object.entries(values)) {
      delete this.registered[k];
      this.setFacts[k] = v;
    }
  }

  register(name: string, value: unknown): void {
    delete this.setFacts[name];
    this.registered[name] = value;
  }

  /** still takes part in plays */
  get active(): boolean {
    return !this.failed && !this.unreachable;
  }
}

export function hostStateOf(states: Map<string, HostState>, host: string): HostState {
  let s = states.get(host);
  if (!s) {
    s = new HostState(host);
    states.set(host, s);
  }
  return s;
}

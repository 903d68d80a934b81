/**
 * Keywords that may be templated (`retries: "{{ etcd_retries }}"`,
 * `environment: "{{ proxy_env }}"`): the loader keeps the template, the task
 * renders it with the host's variables when it runs.
 */
import { TsplayError } from '../errors.js';
import type { VarsMap } from '../playbook/model.js';
import type { TemplateContext } from '../vars/types.js';

interface RendersValues {
  render(value: unknown, vars: VarsMap, ctx?: TemplateContext): unknown;
}

export function numberKeyword(
  templar: RendersValues,
  keyword: { name: string; value: number | string | undefined },
  vars: VarsMap,
  ctx?: TemplateContext,
): number | undefined {
  const { name, value } = keyword;
  if (value === undefined || typeof value === 'number') return value;
  const rendered = templar.render(value, vars, ctx);
  const n = typeof rendered === 'number' ? rendered : Number(String(rendered).trim());
  if (rendered === '' || rendered === null || Number.isNaN(n)) {
    throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `'${name}' must be a number, '${value}' gave ${JSON.stringify(rendered)}`, { source: ctx?.source });
  }
  return n;
}

export function environmentLayer(
  templar: RendersValues,
  layer: Record<string, unknown> | string | undefined,
  vars: VarsMap,
  ctx?: TemplateContext,
): Record<string, unknown> | undefined {
  if (layer === undefined || typeof layer !== 'string') return layer;
  const rendered = templar.render(layer, vars, ctx);
  if (rendered === null || rendered === undefined || rendered === '') return undefined;
  if (typeof rendered !== 'object' || Array.isArray(rendered)) {
    throw new TsplayError('TSPLAY_TEMPLATE_ERROR', `'environment' must give a mapping of variable names to values, '${layer}' gave ${JSON.stringify(rendered)}`, { source: ctx?.source });
  }
  return rendered as Record<string, unknown>;
}

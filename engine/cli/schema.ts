/** `tsplay schema > tsplay.schema.json`: the playbook JSON Schema for editors. */
import { playbookJsonSchema } from '../playbook/index.js';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
  return 0;
}

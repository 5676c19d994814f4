import { Argument, type Command } from 'commander';
import { jsonSchema, schemaNames, type SchemaName } from '../../core/model/json-schema.js';
import type { CommandContext } from '../context.js';

/** `rectify schema <workflow|config|test>`: print the JSON Schema editors validate user files with. */
export function registerSchema(program: Command, context: CommandContext): void {
  program
    .command('schema')
    .description(
      'Print the JSON Schema of a Rectify file, for editors (yaml-language-server) and other tools.',
    )
    .addArgument(new Argument('<kind>', 'which file').choices(schemaNames))
    .addHelpText(
      'after',
      '\nIn an editor with yaml-language-server, put this first line in a workflow:\n  # yaml-language-server: $schema=<path to rectify>/schemas/workflow.schema.json\n(a relative path is resolved from the folder of the YAML file)',
    )
    .action((kind: SchemaName) => {
      context.io.out(JSON.stringify(jsonSchema(kind), null, 2));
    });
}

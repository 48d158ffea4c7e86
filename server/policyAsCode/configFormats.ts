import { parse, stringify, YAMLParseError } from 'yaml';
import type { ConfigDocument } from './configDocument.js';

export type ConfigFormat = 'json' | 'yaml';

export const configMediaTypes: Record<ConfigFormat, string> = { json: 'application/json', yaml: 'application/yaml' };

/** Media types a YAML document is posted with. YAML 1.2 is a superset of JSON, so JSON text parses too. */
export const yamlMediaTypes = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The document as text: two-space indents, a final newline, nothing that depends on the moment. */
export function formatConfig(document: ConfigDocument, format: ConfigFormat): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  // No anchors and aliases for repeated values, no folding of long strings: plain text that diffs line by line.
  return stringify(document, { indent: 2, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** The text could not be read as YAML; the message names the line and column. */
export class YamlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * Parses one YAML document (YAML 1.2 core schema: no custom tags, `yes`/`no` stay strings, duplicate
 * keys refused, at most a few aliases so a small text cannot expand into a huge one).
 */
export function parseYaml(text: string): unknown {
  try {
    return parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 20, prettyErrors: true, merge: false, logLevel: 'error' });
  } catch (error) {
    if (error instanceof YAMLParseError || (error instanceof Error && error.name.startsWith('YAML')))
      throw new YamlSyntaxError(error.message.split('\n')[0] ?? 'the YAML text cannot be parsed');
    throw error;
  }
}

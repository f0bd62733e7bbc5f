import { PATTERNS } from "./formats";
import { handlerSchema, type SchemaNode } from "./schema";

const FORMAT_NAMES: Record<string, string> = {
  "title-regex": "regular expression",
  "http-url": "http or https URL",
  "webhook-url": "https URL (http on a loopback address only)",
};

/**
 * Renders the handler schema as the Markdown property table of docs/handlers.md: one row per
 * property, with its type, default, limits and description. A test keeps the doc equal to this.
 */
export function renderHandlerReference(schema: SchemaNode = handlerSchema): string {
  const rows = ["| Property | Type | Default | Rules | Description |", "|---|---|---|---|---|"];
  appendRows(rows, schema, "");
  return rows.join("\n");
}

/** Lists the dotted paths of every property the schema defines, for example `match.priorities`. */
export function schemaPropertyPaths(schema: SchemaNode = handlerSchema, prefix = ""): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, node]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    return [path, ...schemaPropertyPaths(node, path)];
  });
}

function appendRows(rows: string[], node: SchemaNode, prefix: string): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    const required = node.required?.includes(name) ? " (required)" : "";
    rows.push(
      `| \`${path}\`${required} | ${cell(typeOf(child))} | ${cell(defaultOf(child))} | ${cell(rulesOf(child).join("; "))} | ${cell(child.description ?? "")} |`,
    );
    appendRows(rows, child, path);
  }
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return `one of ${node.enum.map((value) => `\`${value}\``).join(", ")}`;
  if (node.type === "array" && node.items) return `list of ${plural(typeOf(node.items))}`;
  if (node.type === "object" && typeof node.additionalProperties === "object") {
    return `object: name → ${typeOf(node.additionalProperties)}`;
  }
  if (node.format) return FORMAT_NAMES[node.format] ?? node.format;
  if (node.type === "integer") return "whole number";
  return node.type ?? "any";
}

function plural(type: string): string {
  if (type.startsWith("one of ")) return type.replace(/^one of /, "");
  if (type === "string") return "strings";
  return type;
}

function defaultOf(node: SchemaNode): string {
  return node.default === undefined ? "" : `\`${JSON.stringify(node.default)}\``;
}

function rulesOf(node: SchemaNode): string[] {
  const rules: string[] = [];
  const items = node.type === "array" ? node.items : undefined;
  const values = typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
  const element = items ?? values;

  if (node.minItems === 1) rules.push("not empty");
  if (node.maxItems !== undefined) rules.push(`at most ${node.maxItems} items`);
  if (node.uniqueItems) rules.push("no duplicates");
  if (node.maxProperties !== undefined) rules.push(`at most ${node.maxProperties} entries`);
  if (node.propertyNames?.pattern) rules.push(`names: ${describePattern(node.propertyNames.pattern)}`);
  if (node.propertyNames?.maxLength !== undefined) rules.push(`names up to ${node.propertyNames.maxLength} characters`);
  rules.push(...scalarRules(node));
  if (element) rules.push(...scalarRules(element).map((rule) => `each ${rule}`));
  return rules;
}

function scalarRules(node: SchemaNode): string[] {
  const rules: string[] = [];
  if (node.pattern) rules.push(describePattern(node.pattern));
  if (node.maxLength !== undefined) rules.push(`up to ${node.maxLength} characters`);
  if (node.minimum !== undefined) rules.push(`at least ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) rules.push(`greater than ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) rules.push(`at most ${node.maximum}`);
  return rules;
}

function describePattern(pattern: string): string {
  return Object.values(PATTERNS).find((entry) => entry.pattern === pattern)?.description ?? `matches \`${pattern}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * A small evaluator for the ARM JSON that Bicep compiles infra/main.bicep into. `expandDeployment`
 * walks one deployment the way Azure Resource Manager would for given parameter values. It
 * evaluates template expressions, skips resources whose condition is false, unrolls copy loops and
 * descends into nested (module) deployments. It returns every resource with its evaluated
 * properties, so tests assert on concrete app settings and role assignments instead of on
 * expression text.
 *
 * It supports the template functions that Bicep emits for this repository's templates and throws
 * `TemplateEvaluationError` on any other, so a new construct fails loudly rather than evaluating
 * wrongly. Values that exist only once resources do (runtime properties read with `reference()`)
 * come from `fakeRuntimeProperties`; keys read with `listKeys()` stay symbolic (`DeploymentTimeValue`).
 * `uniqueString()` and `guid()` are deterministic here but do not reproduce Azure's hashes.
 */
import { createHash } from "node:crypto";

export class TemplateEvaluationError extends Error {
  override name = "TemplateEvaluationError";
}

/** A value that only exists at deployment time, such as a key read with listKeys(). */
export class DeploymentTimeValue {
  constructor(readonly expression: string) {}

  toString(): string {
    return `{{${this.expression}}}`;
  }
}

export interface ArmTemplate {
  $schema: string;
  languageVersion?: string;
  parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown; condition?: unknown }>;
}

export interface ArmResource {
  type: string;
  apiVersion: string;
  name: string;
  condition?: unknown;
  copy?: { name: string; count: unknown };
  scope?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ExpandedResource {
  type: string;
  apiVersion: string;
  name: string;
  /** Full resource id. */
  id: string;
  /** Scope that the enclosing deployment targets: `/subscriptions/<id>` or a resource group id. */
  deploymentScope: string;
  /** Path of module deployment names from the top, for example `main/api`. */
  deployment: string;
  /** Evaluated `scope` property of an extension resource (such as a role assignment), if any. */
  scope?: string;
  properties: Record<string, unknown>;
  evaluated: Record<string, unknown>;
}

export interface Expansion {
  resources: ExpandedResource[];
  /** Evaluated outputs of every deployment, by deployment path (`main`, `main/api`, ...). */
  outputs: Record<string, Record<string, unknown>>;
}

export interface ExpandOptions {
  subscriptionId?: string;
  tenantId?: string;
  /** Location reported by deployment() for subscription-scope deployments. */
  deploymentLocation?: string;
}

const DEFAULTS = {
  subscriptionId: "00000000-0000-4000-8000-000000000001",
  tenantId: "00000000-0000-4000-8000-000000000002",
  deploymentLocation: "eastus2",
};

/** Deterministic GUID-shaped text from a seed. */
export function fakeGuid(...seed: string[]): string {
  const hex = createHash("sha256").update(seed.join("|")).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Runtime properties that `reference()` returns for a resource, faked with the shapes Azure
 * returns, so values such as the identity's client id flow through module outputs into settings.
 */
export function fakeRuntimeProperties(type: string, name: string): Record<string, unknown> | undefined {
  switch (type.toLowerCase()) {
    case "microsoft.managedidentity/userassignedidentities":
      return { clientId: fakeGuid("client", name), principalId: fakeGuid("principal", name) };
    case "microsoft.storage/storageaccounts":
      return {
        primaryEndpoints: {
          blob: `https://${name}.blob.core.windows.net/`,
          queue: `https://${name}.queue.core.windows.net/`,
          table: `https://${name}.table.core.windows.net/`,
        },
      };
    case "microsoft.operationalinsights/workspaces":
      return { customerId: fakeGuid("customer", name) };
    case "microsoft.insights/components":
      return {
        ConnectionString: `InstrumentationKey=${fakeGuid("instrumentation", name)};IngestionEndpoint=https://eastus2-0.in.applicationinsights.azure.com/`,
      };
    case "microsoft.keyvault/vaults":
      return { vaultUri: `https://${name}.vault.azure.net/` };
    case "microsoft.web/sites":
      return { defaultHostName: `${name}.azurewebsites.net` };
    case "microsoft.cognitiveservices/accounts":
      return { endpoint: `https://${name}.openai.azure.com/` };
    case "microsoft.authorization/roledefinitions":
      return {};
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Expression parsing

type Node =
  | { kind: "literal"; value: unknown }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "member"; target: Node; property: string }
  | { kind: "index"; target: Node; index: Node };

/** Parses the text between the outer brackets of a template expression. */
export function parseExpression(text: string): Node {
  let position = 0;

  const fail = (message: string): never => {
    throw new TemplateEvaluationError(`${message} at offset ${position} in expression [${text}]`);
  };
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position])) position += 1;
  };
  const expect = (character: string) => {
    skipSpace();
    if (text[position] !== character) fail(`Expected "${character}"`);
    position += 1;
  };

  const parseString = (): Node => {
    position += 1;
    let value = "";
    for (;;) {
      if (position >= text.length) fail("Unterminated string");
      const character = text[position];
      if (character === "'") {
        if (text[position + 1] === "'") {
          value += "'";
          position += 2;
          continue;
        }
        position += 1;
        return { kind: "literal", value };
      }
      value += character;
      position += 1;
    }
  };

  const parsePrimary = (): Node => {
    skipSpace();
    const character = text[position];
    if (character === "'") return parseString();

    const number = /^-?\d+(\.\d+)?/.exec(text.slice(position));
    if (number) {
      position += number[0].length;
      return { kind: "literal", value: Number(number[0]) };
    }

    const identifier = /^[A-Za-z_$][\w$]*/.exec(text.slice(position));
    if (!identifier) return fail("Expected a value");
    position += identifier[0].length;
    skipSpace();
    if (text[position] !== "(") {
      if (identifier[0] === "true") return { kind: "literal", value: true };
      if (identifier[0] === "false") return { kind: "literal", value: false };
      if (identifier[0] === "null") return { kind: "literal", value: null };
      return fail(`Expected "(" after ${identifier[0]}`);
    }
    position += 1;
    const args: Node[] = [];
    skipSpace();
    if (text[position] === ")") {
      position += 1;
    } else {
      for (;;) {
        args.push(parseChain());
        skipSpace();
        if (text[position] === ",") {
          position += 1;
          continue;
        }
        expect(")");
        break;
      }
    }
    return { kind: "call", name: identifier[0], args };
  };

  const parseChain = (): Node => {
    let node = parsePrimary();
    for (;;) {
      skipSpace();
      if (text[position] === ".") {
        position += 1;
        const property = /^[A-Za-z_$][\w$-]*/.exec(text.slice(position));
        if (!property) return fail("Expected a property name");
        position += property[0].length;
        node = { kind: "member", target: node, property: property[0] };
      } else if (text[position] === "[") {
        position += 1;
        const index = parseChain();
        expect("]");
        node = { kind: "index", target: node, index };
      } else {
        return node;
      }
    }
  };

  const node = parseChain();
  skipSpace();
  if (position !== text.length) fail("Unexpected text");
  return node;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Lambda {
  kind: "lambda";
  parameterNames: string[];
  body: Node;
}

interface Scope {
  subscriptionId: string;
  resourceGroup?: string;
}

interface Context {
  template: ArmTemplate;
  parameters: Record<string, unknown>;
  variableCache: Map<string, unknown>;
  variablesInProgress: Set<string>;
  copyIndexes: Map<string, number>;
  defaultCopyIndex?: number;
  lambdaVariables: Map<string, unknown>;
  scope: Scope;
  deploymentPath: string;
  deploymentName: string;
  run: ExpansionRun;
}

interface ExpansionRun {
  options: Required<ExpandOptions>;
  resources: ExpandedResource[];
  outputs: Record<string, Record<string, unknown>>;
  /** Outputs of expanded deployments by deployment resource id, for reference(). */
  deploymentOutputs: Map<string, Record<string, unknown>>;
  /** Deployments that can be expanded on demand when referenced before their turn. */
  pendingDeployments: Map<string, () => void>;
  resourceGroupLocations: Map<string, string>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof DeploymentTimeValue);

function scopeId(scope: Scope): string {
  const subscription = `/subscriptions/${scope.subscriptionId}`;
  return scope.resourceGroup === undefined ? subscription : `${subscription}/resourceGroups/${scope.resourceGroup}`;
}

/** Builds `<scope>/providers/<namespace>/<type>/<name>[/<childType>/<childName>...]`. */
function composeResourceId(scope: string, type: string, names: string[]): string {
  const [namespace, ...typeSegments] = type.split("/");
  if (typeSegments.length !== names.length) {
    throw new TemplateEvaluationError(`Resource type ${type} needs ${typeSegments.length} name segments, got ${names.length}.`);
  }
  const path = typeSegments.map((segment, index) => `${segment}/${names[index]}`).join("/");
  return `${scope}/providers/${namespace}/${path}`;
}

function asText(value: unknown, functionName: string): string {
  if (typeof value === "string") return value;
  if (value instanceof DeploymentTimeValue) return value.toString();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new TemplateEvaluationError(`${functionName}() expects text, got ${JSON.stringify(value)}.`);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

function formatText(format: string, args: unknown[]): string {
  return format.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    return asText(args[Number(index)], "format");
  });
}

function uniqueString(values: string[]): string {
  const digest = createHash("sha256").update(values.join("|")).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let result = "";
  for (let index = 0; index < 13; index += 1) result += alphabet[digest[index] % 32];
  return result;
}

function callLambda(context: Context, lambda: unknown, args: unknown[]): unknown {
  if (!isObject(lambda) || lambda.kind !== "lambda") {
    throw new TemplateEvaluationError("Expected a lambda argument.");
  }
  const { parameterNames, body } = lambda as unknown as Lambda;
  const variables = new Map(context.lambdaVariables);
  parameterNames.forEach((name, index) => variables.set(name, args[index]));
  return evaluateNode({ ...context, lambdaVariables: variables }, body);
}

function lookupVariable(context: Context, name: string): unknown {
  if (context.variableCache.has(name)) return context.variableCache.get(name);
  const variables = context.template.variables ?? {};
  if (!(name in variables)) throw new TemplateEvaluationError(`Variable ${name} is not defined.`);
  if (context.variablesInProgress.has(name)) throw new TemplateEvaluationError(`Variable ${name} refers to itself.`);

  context.variablesInProgress.add(name);
  // Variables never see copy indexes or lambda variables of the expression that reads them.
  const value = evaluateValue(
    { ...context, copyIndexes: new Map(), defaultCopyIndex: undefined, lambdaVariables: new Map() },
    variables[name],
  );
  context.variablesInProgress.delete(name);
  context.variableCache.set(name, value);
  return value;
}

function reference(context: Context, id: string): unknown {
  const deployment = /\/providers\/Microsoft\.Resources\/deployments\/([^/]+)$/i.exec(id);
  if (deployment) {
    if (!context.run.deploymentOutputs.has(id.toLowerCase())) {
      const expand = context.run.pendingDeployments.get(id.toLowerCase());
      if (!expand) throw new TemplateEvaluationError(`reference() to deployment ${id}, which is not part of this deployment.`);
      expand();
    }
    const outputs = context.run.deploymentOutputs.get(id.toLowerCase());
    if (!outputs) throw new TemplateEvaluationError(`Deployment ${id} was skipped (condition false) but is referenced.`);
    return {
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, { type: typeof value, value }])),
    };
  }

  const resource = /\/providers\/([^/]+\/[^/]+)\/([^/]+)$/.exec(id);
  const properties = resource ? fakeRuntimeProperties(resource[1], resource[2]) : undefined;
  return properties ?? new DeploymentTimeValue(`reference(${id})`);
}

function callFunction(context: Context, name: string, argNodes: Node[]): unknown {
  const lower = name.toLowerCase();

  // Functions whose arguments are evaluated lazily or not at all.
  if (lower === "if") {
    const condition = evaluateNode(context, argNodes[0]);
    return evaluateNode(context, condition === true ? argNodes[1] : argNodes[2]);
  }
  if (lower === "lambda") {
    const names = argNodes.slice(0, -1).map((node) => {
      if (node.kind !== "literal" || typeof node.value !== "string") throw new TemplateEvaluationError("lambda() parameter names must be strings.");
      return node.value;
    });
    const lambda: Lambda = { kind: "lambda", parameterNames: names, body: argNodes[argNodes.length - 1] };
    return lambda;
  }

  const args = argNodes.map((node) => evaluateNode(context, node));
  const { options } = context.run;

  switch (lower) {
    case "parameters": {
      const parameterName = asText(args[0], name);
      if (!(parameterName in context.parameters)) throw new TemplateEvaluationError(`Parameter ${parameterName} is not defined.`);
      return context.parameters[parameterName];
    }
    case "variables":
      return lookupVariable(context, asText(args[0], name));
    case "lambdavariables": {
      const variableName = asText(args[0], name);
      if (!context.lambdaVariables.has(variableName)) throw new TemplateEvaluationError(`Lambda variable ${variableName} is not defined.`);
      return context.lambdaVariables.get(variableName);
    }
    case "copyindex": {
      // copyIndex(), copyIndex(offset), copyIndex(loopName) or copyIndex(loopName, offset).
      const loopName = typeof args[0] === "string" ? args[0] : undefined;
      let offset = 0;
      if (typeof args[0] === "number") offset = args[0];
      if (typeof args[1] === "number") offset = args[1];
      const index = loopName === undefined ? context.defaultCopyIndex : context.copyIndexes.get(loopName);
      if (index === undefined) throw new TemplateEvaluationError(`copyIndex(${loopName ?? ""}) outside its loop.`);
      return index + offset;
    }

    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "not":
      return args[0] !== true;
    case "and":
      return args.every((value) => value === true);
    case "or":
      return args.some((value) => value === true);
    case "equals":
      return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    case "greater":
      return (args[0] as number) > (args[1] as number);
    case "greaterorequals":
      return (args[0] as number) >= (args[1] as number);
    case "less":
      return (args[0] as number) < (args[1] as number);
    case "lessorequals":
      return (args[0] as number) <= (args[1] as number);
    case "empty":
      return isEmpty(args[0]);
    case "coalesce":
      return args.find((value) => value !== null && value !== undefined) ?? null;

    case "createobject": {
      const result: Record<string, unknown> = {};
      for (let index = 0; index < args.length; index += 2) result[asText(args[index], name)] = args[index + 1];
      return result;
    }
    case "createarray":
      return [...args];
    case "union":
      if (args.every(Array.isArray)) return [...new Set(args.flat())];
      return Object.assign({}, ...args.map((value) => {
        if (!isObject(value)) throw new TemplateEvaluationError(`union() expects objects, got ${JSON.stringify(value)}.`);
        return value;
      }));
    case "concat":
      if (args.every(Array.isArray)) return args.flat();
      return args.map((value) => asText(value, name)).join("");
    case "items": {
      const object = args[0];
      if (!isObject(object)) throw new TemplateEvaluationError("items() expects an object.");
      return Object.keys(object).sort().map((key) => ({ key, value: object[key] }));
    }
    case "toobject": {
      const [array, keyLambda, valueLambda] = args;
      if (!Array.isArray(array)) throw new TemplateEvaluationError("toObject() expects an array.");
      return Object.fromEntries(array.map((item) => [
        asText(callLambda(context, keyLambda, [item]), name),
        valueLambda === undefined ? item : callLambda(context, valueLambda, [item]),
      ]));
    }
    case "filter": {
      if (!Array.isArray(args[0])) throw new TemplateEvaluationError("filter() expects an array.");
      return args[0].filter((item, index) => callLambda(context, args[1], [item, index]) === true);
    }
    case "map": {
      if (!Array.isArray(args[0])) throw new TemplateEvaluationError("map() expects an array.");
      return args[0].map((item, index) => callLambda(context, args[1], [item, index]));
    }
    case "length": {
      const value = args[0];
      if (typeof value === "string" || Array.isArray(value)) return value.length;
      if (isObject(value)) return Object.keys(value).length;
      throw new TemplateEvaluationError(`length() cannot measure ${JSON.stringify(value)}.`);
    }
    case "take": {
      const [value, count] = args as [string | unknown[], number];
      return value.slice(0, Math.max(0, count));
    }
    case "first":
      return (args[0] as string | unknown[])[0];
    case "last": {
      const value = args[0] as string | unknown[];
      return value[value.length - 1];
    }
    case "contains": {
      const [container, item] = args;
      if (typeof container === "string") return container.includes(asText(item, name));
      if (Array.isArray(container)) return container.some((value) => JSON.stringify(value) === JSON.stringify(item));
      if (isObject(container)) return asText(item, name) in container;
      return false;
    }

    case "format":
      return formatText(asText(args[0], name), args.slice(1));
    case "string":
      if (typeof args[0] === "boolean") return args[0] ? "True" : "False";
      return typeof args[0] === "string" ? args[0] : JSON.stringify(args[0]);
    case "int":
      return Number.parseInt(asText(args[0], name), 10);
    case "tolower":
      return asText(args[0], name).toLowerCase();
    case "toupper":
      return asText(args[0], name).toUpperCase();
    case "trim":
      return asText(args[0], name).trim();
    case "split":
      return asText(args[0], name).split(asText(args[1], name));
    case "replace":
      return asText(args[0], name).split(asText(args[1], name)).join(asText(args[2], name));
    case "uricomponent":
      if (args[0] instanceof DeploymentTimeValue) return new DeploymentTimeValue(`uriComponent(${args[0].expression})`);
      return encodeURIComponent(asText(args[0], name));
    case "uniquestring":
      return uniqueString(args.map((value) => asText(value, name)));
    case "guid":
      return fakeGuid(...args.map((value) => asText(value, name)));

    case "subscription":
      return {
        id: `/subscriptions/${context.scope.subscriptionId}`,
        subscriptionId: context.scope.subscriptionId,
        tenantId: options.tenantId,
        displayName: "test subscription",
      };
    case "resourcegroup": {
      const group = context.scope.resourceGroup;
      if (group === undefined) throw new TemplateEvaluationError("resourceGroup() in a subscription-scope deployment.");
      return { id: scopeId(context.scope), name: group, location: context.run.resourceGroupLocations.get(group.toLowerCase()) ?? "unknown" };
    }
    case "tenant":
      return { tenantId: options.tenantId };
    case "deployment":
      return { name: context.deploymentName, location: options.deploymentLocation };
    case "environment":
      return {
        name: "AzureCloud",
        authentication: { loginEndpoint: "https://login.microsoftonline.com/" },
        resourceManager: "https://management.azure.com/",
      };
    case "resourceid": {
      const texts = args.map((value) => asText(value, name));
      // resourceId([subscriptionId], [resourceGroupName], type, names...): the type is the first
      // argument that contains a slash.
      const typeIndex = texts.findIndex((value) => value.includes("/"));
      const prefix = texts.slice(0, typeIndex);
      const scope: Scope = { ...context.scope };
      if (prefix.length === 2) {
        scope.subscriptionId = prefix[0];
        scope.resourceGroup = prefix[1];
      } else if (prefix.length === 1) {
        scope.resourceGroup = prefix[0];
      }
      return composeResourceId(scopeId(scope), texts[typeIndex], texts.slice(typeIndex + 1));
    }
    case "subscriptionresourceid": {
      const texts = args.map((value) => asText(value, name));
      const typeIndex = texts.findIndex((value) => value.includes("/"));
      const subscriptionId = typeIndex === 1 ? texts[0] : context.scope.subscriptionId;
      return composeResourceId(`/subscriptions/${subscriptionId}`, texts[typeIndex], texts.slice(typeIndex + 1));
    }
    case "extensionresourceid": {
      const texts = args.map((value) => asText(value, name));
      return composeResourceId(texts[0], texts[1], texts.slice(2));
    }
    case "reference":
      return reference(context, asText(args[0], name));
    case "listkeys":
      return new DeploymentTimeValue(`listKeys(${asText(args[0], name)})`);

    default:
      throw new TemplateEvaluationError(`Template function ${name}() is not supported by this evaluator.`);
  }
}

function evaluateNode(context: Context, node: Node): unknown {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "call":
      return callFunction(context, node.name, node.args);
    case "member": {
      const target = evaluateNode(context, node.target);
      if (target instanceof DeploymentTimeValue) return new DeploymentTimeValue(`${target.expression}.${node.property}`);
      if (!isObject(target) || !(node.property in target)) {
        throw new TemplateEvaluationError(`Property ${node.property} not found on ${JSON.stringify(target)}.`);
      }
      return target[node.property];
    }
    case "index": {
      const target = evaluateNode(context, node.target);
      const index = evaluateNode(context, node.index);
      if (Array.isArray(target) && typeof index === "number") {
        if (index < 0 || index >= target.length) throw new TemplateEvaluationError(`Index ${index} is out of range.`);
        return target[index];
      }
      if (isObject(target) && typeof index === "string" && index in target) return target[index];
      throw new TemplateEvaluationError(`Cannot index ${JSON.stringify(target)} with ${JSON.stringify(index)}.`);
    }
  }
}

function evaluateString(context: Context, text: string): unknown {
  if (text.startsWith("[[")) return text.slice(1);
  if (text.startsWith("[") && text.endsWith("]")) return evaluateNode(context, parseExpression(text.slice(1, -1)));
  return text;
}

/** Evaluates a JSON value from a template: expressions in strings and keys, and property copy loops. */
export function evaluateValue(context: Context, value: unknown): unknown {
  if (typeof value === "string") return evaluateString(context, value);
  if (Array.isArray(value)) return value.map((item) => evaluateValue(context, item));
  if (!isObject(value)) return value;

  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === "copy" && Array.isArray(item)) {
      for (const loop of item as Array<{ name: string; count: unknown; input: unknown }>) {
        const count = evaluateValue(context, loop.count) as number;
        result[loop.name] = Array.from({ length: count }, (_, index) => {
          const copyIndexes = new Map(context.copyIndexes).set(loop.name, index);
          return evaluateValue({ ...context, copyIndexes }, loop.input);
        });
      }
      continue;
    }
    result[asText(evaluateString(context, key), "property name")] = evaluateValue(context, item);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Deployment expansion

function templateScopeKind(template: ArmTemplate): "subscription" | "resourceGroup" {
  if (/subscriptionDeploymentTemplate\.json/i.test(template.$schema)) return "subscription";
  if (/\/deploymentTemplate\.json/i.test(template.$schema)) return "resourceGroup";
  throw new TemplateEvaluationError(`Unsupported template schema ${template.$schema}.`);
}

function resolveParameters(context: Context, values: Record<string, unknown>): void {
  for (const [name, definition] of Object.entries(context.template.parameters ?? {})) {
    if (name in values) {
      context.parameters[name] = values[name];
    } else if ("defaultValue" in definition) {
      context.parameters[name] = evaluateValue(context, definition.defaultValue);
    } else {
      throw new TemplateEvaluationError(`Parameter ${name} of ${context.deploymentPath} has no value and no default.`);
    }
  }
  for (const name of Object.keys(values)) {
    if (!(name in (context.template.parameters ?? {}))) {
      throw new TemplateEvaluationError(`Deployment ${context.deploymentPath} has no parameter ${name}.`);
    }
  }
}

function expandTemplate(run: ExpansionRun, template: ArmTemplate, parameterValues: Record<string, unknown>, scope: Scope, path: string, name: string): Record<string, unknown> {
  const context: Context = {
    template,
    parameters: {},
    variableCache: new Map(),
    variablesInProgress: new Set(),
    copyIndexes: new Map(),
    lambdaVariables: new Map(),
    scope,
    deploymentPath: path,
    deploymentName: name,
    run,
  };
  if (templateScopeKind(template) === "resourceGroup" && scope.resourceGroup === undefined) {
    throw new TemplateEvaluationError(`Deployment ${path} is a resource group template deployed at subscription scope.`);
  }
  resolveParameters(context, parameterValues);

  const resources = Array.isArray(template.resources) ? template.resources : Object.values(template.resources);

  // Deployments that are not in a copy loop can be expanded out of order when another resource
  // reads their outputs first, as ARM orders them by dependency.
  const steps = resources.map((resource) => {
    let done = false;
    const expand = () => {
      if (done) return;
      done = true;
      expandResource(context, resource);
    };
    if (resource.type.toLowerCase() === "microsoft.resources/deployments" && resource.copy === undefined) {
      const deploymentName = asText(evaluateValue(context, resource.name), "name");
      const target = deploymentScope(context, resource, undefined);
      run.pendingDeployments.set(composeResourceId(scopeId(target), "Microsoft.Resources/deployments", [deploymentName]).toLowerCase(), expand);
    }
    return expand;
  });
  steps.forEach((expand) => expand());

  const outputs: Record<string, unknown> = {};
  for (const [outputName, output] of Object.entries(template.outputs ?? {})) {
    if (output.condition !== undefined && evaluateValue(context, output.condition) !== true) continue;
    outputs[outputName] = evaluateValue(context, output.value);
  }
  run.outputs[path] = outputs;
  return outputs;
}

function deploymentScope(context: Context, resource: ArmResource, loopContext: Context | undefined): Scope {
  const evaluationContext = loopContext ?? context;
  const subscriptionId = resource.subscriptionId === undefined ? context.scope.subscriptionId : asText(evaluateValue(evaluationContext, resource.subscriptionId), "subscriptionId");
  if (resource.resourceGroup !== undefined) {
    return { subscriptionId, resourceGroup: asText(evaluateValue(evaluationContext, resource.resourceGroup), "resourceGroup") };
  }
  return { subscriptionId, resourceGroup: context.scope.resourceGroup };
}

function expandResource(context: Context, resource: ArmResource): void {
  if (resource.copy !== undefined) {
    const count = evaluateValue(context, resource.copy.count) as number;
    for (let index = 0; index < count; index += 1) {
      const loopContext: Context = {
        ...context,
        copyIndexes: new Map(context.copyIndexes).set(resource.copy.name, index),
        defaultCopyIndex: index,
      };
      expandSingleResource(loopContext, resource);
    }
    return;
  }
  expandSingleResource(context, resource);
}

function expandSingleResource(context: Context, resource: ArmResource): void {
  if (resource.condition !== undefined && evaluateValue(context, resource.condition) !== true) return;

  const isDeployment = resource.type.toLowerCase() === "microsoft.resources/deployments";
  const { copy: _copy, condition: _condition, dependsOn: _dependsOn, properties, ...rest } = resource;
  const template = isDeployment ? (properties?.template as ArmTemplate | undefined) : undefined;
  const propertiesToEvaluate = isDeployment && properties ? { ...properties, template: undefined } : properties;

  const evaluated = evaluateValue(context, { ...rest, properties: propertiesToEvaluate ?? {} }) as Record<string, unknown>;
  const name = asText(evaluated.name, "name");
  const evaluatedProperties = evaluated.properties as Record<string, unknown>;

  let id: string;
  const scope = typeof evaluated.scope === "string" ? evaluated.scope : undefined;
  if (isDeployment) {
    const target = deploymentScope(context, resource, context);
    id = composeResourceId(scopeId(target), resource.type, [name]);
  } else {
    id = composeResourceId(scope ?? scopeId(context.scope), resource.type, name.split("/"));
  }

  context.run.resources.push({
    type: resource.type,
    apiVersion: resource.apiVersion,
    name,
    id,
    deploymentScope: scopeId(context.scope),
    deployment: context.deploymentPath,
    scope,
    properties: evaluatedProperties,
    evaluated,
  });

  if (resource.type.toLowerCase() === "microsoft.resources/resourcegroups") {
    context.run.resourceGroupLocations.set(name.toLowerCase(), asText(evaluated.location, "location"));
  }

  if (isDeployment) {
    if (!template) throw new TemplateEvaluationError(`Deployment ${name} has no inline template.`);
    const target = deploymentScope(context, resource, context);
    const parameters = Object.fromEntries(
      Object.entries((evaluatedProperties.parameters ?? {}) as Record<string, { value: unknown }>).map(([key, entry]) => [key, entry.value]),
    );
    const outputs = expandTemplate(context.run, template, parameters, target, `${context.deploymentPath}/${name}`, name);
    context.run.deploymentOutputs.set(id.toLowerCase(), outputs);
  }
}

/**
 * Expands a compiled template for the given parameter values into the resources and outputs that
 * a deployment would create. The top deployment is `main`, at subscription scope for a
 * subscription template.
 */
export function expandDeployment(template: ArmTemplate, parameterValues: Record<string, unknown>, options: ExpandOptions = {}): Expansion {
  const run: ExpansionRun = {
    options: { ...DEFAULTS, ...options },
    resources: [],
    outputs: {},
    deploymentOutputs: new Map(),
    pendingDeployments: new Map(),
    resourceGroupLocations: new Map(),
  };
  const scope: Scope = { subscriptionId: run.options.subscriptionId };
  if (templateScopeKind(template) === "resourceGroup") scope.resourceGroup = "rg-test";

  expandTemplate(run, template, parameterValues, scope, "main", "main");
  return { resources: run.resources, outputs: run.outputs };
}

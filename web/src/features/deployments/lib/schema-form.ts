//! Turns a template's `variables_schema` (JSON Schema, generated from the module's
//! `variables.tf`) into form fields and a Zod schema that checks them as the server does:
//! type, required, enum, pattern, minimum and maximum. Form values are strings (or booleans);
//! `toVariables` converts them to the JSON the API takes, leaving out empty optional ones so
//! that Terraform's defaults apply.
import { z } from 'zod';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'list';

export type SchemaField = {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  required: boolean;
  default?: unknown;
  options?: string[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
};

type JsonSchemaProperty = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  readOnly?: boolean;
  items?: { type?: string };
};

/// "instance_type" → "Instance type".
function labelOf(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function typeOf(property: JsonSchemaProperty): string {
  const t = Array.isArray(property.type) ? property.type.find((x) => x !== 'null') : property.type;
  return t ?? 'string';
}

/// The fields a user fills in, in the schema's order; variables the platform sets (`readOnly`)
/// are left out.
export function fieldsOf(schema: Record<string, unknown>): SchemaField[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties)
    .filter(([, p]) => !p.readOnly)
    .map(([name, p]) => {
      const type = typeOf(p);
      const kind: FieldKind = p.enum
        ? 'enum'
        : type === 'array'
          ? 'list'
          : type === 'number' || type === 'integer' || type === 'boolean'
            ? type
            : 'string';
      return {
        name,
        kind,
        label: labelOf(name),
        description: p.description,
        required: required.has(name),
        default: p.default,
        options: p.enum?.map((v) => String(v)),
        pattern: p.pattern,
        minimum: p.minimum,
        maximum: p.maximum,
      };
    });
}

export type SchemaFormValues = Record<string, string | boolean>;

/// The form's starting values: the schema's defaults, as the inputs show them.
export function defaultValuesOf(fields: SchemaField[]): SchemaFormValues {
  const values: SchemaFormValues = {};
  for (const f of fields) {
    if (f.kind === 'boolean') values[f.name] = f.default === true;
    else if (f.default === undefined || f.default === null) values[f.name] = '';
    else if (f.kind === 'list' && Array.isArray(f.default)) values[f.name] = f.default.join(', ');
    else values[f.name] = String(f.default);
  }
  return values;
}

function fieldSchema(f: SchemaField): z.ZodType {
  if (f.kind === 'boolean') return z.boolean();
  return z.string().superRefine((raw, ctx) => {
    const value = raw.trim();
    if (value === '') {
      if (f.required) ctx.addIssue({ code: 'custom', message: 'Required.' });
      return;
    }
    if (f.kind === 'enum') {
      if (!f.options?.includes(value)) ctx.addIssue({ code: 'custom', message: `Pick one of ${f.options?.join(', ')}.` });
      return;
    }
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(value);
      if (!Number.isFinite(n)) return void ctx.addIssue({ code: 'custom', message: 'Enter a number.' });
      if (f.kind === 'integer' && !Number.isInteger(n))
        return void ctx.addIssue({ code: 'custom', message: 'Enter a whole number.' });
      if (f.minimum !== undefined && n < f.minimum) ctx.addIssue({ code: 'custom', message: `At least ${f.minimum}.` });
      if (f.maximum !== undefined && n > f.maximum) ctx.addIssue({ code: 'custom', message: `At most ${f.maximum}.` });
      return;
    }
    const items = f.kind === 'list' ? splitList(value) : [value];
    if (f.pattern) {
      const re = safeRegExp(f.pattern);
      const bad = re ? items.find((item) => !re.test(item)) : undefined;
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `“${bad}” does not match ${f.pattern}.` });
    }
  });
}

function safeRegExp(pattern: string): RegExp | null {
  try {
    // JSON Schema patterns are not anchored; the modules' patterns anchor themselves.
    return new RegExp(pattern, 'u');
  } catch {
    return null; // a pattern JS cannot read: leave it to the server
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function zodSchemaOf(fields: SchemaField[]) {
  return z.object(Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])));
}

/// The API's `variables`: typed values; empty optional fields are left out.
export function toVariables(fields: SchemaField[], values: SchemaFormValues): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === 'boolean') {
      variables[f.name] = raw === true;
      continue;
    }
    const value = String(raw ?? '').trim();
    if (value === '') continue;
    if (f.kind === 'number' || f.kind === 'integer') variables[f.name] = Number(value);
    else if (f.kind === 'list') variables[f.name] = splitList(value);
    else if (f.kind === 'enum') {
      // enum values keep their JSON type (a number enum stays a number)
      const n = Number(value);
      variables[f.name] = typeof f.default === 'number' && Number.isFinite(n) ? n : value;
    } else variables[f.name] = value;
  }
  return variables;
}

/// The form's values for variables already set (an edit form): the set ones as the inputs show
/// them, the others at the schema's defaults.
export function valuesOf(fields: SchemaField[], variables: Record<string, unknown>): SchemaFormValues {
  const values = defaultValuesOf(fields);
  for (const f of fields) {
    if (!(f.name in variables)) continue;
    const v = variables[f.name];
    if (f.kind === 'boolean') values[f.name] = v === true;
    else if (v === null || v === undefined) values[f.name] = '';
    else if (f.kind === 'list' && Array.isArray(v)) values[f.name] = v.join(', ');
    else values[f.name] = typeof v === 'string' ? v : String(v);
  }
  return values;
}

/// The merge patch from `current` to what the form holds: every value it sets, and `null` for a
/// variable that was set and is now empty (back to the module's default). Empty when nothing
/// differs.
export function variablesPatch(
  fields: SchemaField[],
  values: SchemaFormValues,
  current: Record<string, unknown>,
): Record<string, unknown> {
  const next = toVariables(fields, values);
  const patch: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(next)) {
    const unsetAtDefault = !(name in current) && JSON.stringify(fields.find((f) => f.name === name)?.default) === JSON.stringify(value);
    if (!unsetAtDefault && JSON.stringify(current[name]) !== JSON.stringify(value)) patch[name] = value;
  }
  for (const name of Object.keys(current)) {
    if (!(name in next) && fields.some((f) => f.name === name)) patch[name] = null;
  }
  return patch;
}

// Decodes and checks request parameters the way Arvados reads them (ARVADOS.md d.1):
// structured values arrive JSON-encoded in query/form strings, or as JSON values in a JSON
// body (where JSON-looking strings are decoded too). Everything is checked here, before
// the API is called, so a bad request changes nothing and says exactly what was wrong.

import type { Filter, FilterOperator, ListParams } from '../../../arvados-api/types.js';
import { badRequest } from './errors.js';
import type { AttrType, ResourceSpec } from './resources.js';

/** Which resources' attributes a list may name: one table, or several for groups/contents. */
export interface AttrScope {
  readonly specs: readonly ResourceSpec[];
  /** Attributes that exist but may not be selected here. */
  readonly unselectable?: ReadonlySet<string>;
}

const OPERATORS: ReadonlySet<string> = new Set<FilterOperator>([
  '=', '!=', '<>', '<', '<=', '>=', '>', 'like', 'ilike', 'in', 'not in', 'is_a', 'exists', 'contains',
]);
/** Attributes real Arvados records carry beyond ours; accepted and ignored like other read-only ones. */
const LEGACY_ATTRS: ReadonlySet<string> = new Set(['etag', 'href', 'modified_by_user_uuid', 'modified_by_client_uuid']);
const TRUE = new Set(['true', '1', 't', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'f', 'no', 'off', '']);

export class ParamReader {
  constructor(private readonly params: ReadonlyMap<string, unknown>) {}

  has(name: string): boolean {
    return this.params.get(name) !== undefined;
  }

  string(name: string): string | undefined {
    const v = this.params.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw badRequest(`parameter ${name} must be a string`);
    return v;
  }

  bool(name: string): boolean | undefined {
    const v = this.params.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    const s = String(v).trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    throw badRequest(`parameter ${name} must be true or false, got ${JSON.stringify(v)}`);
  }

  nonNegativeInt(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw badRequest(`parameter ${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
    return n;
  }

  /** A JSON value: decoded when it arrives as a string. */
  json(name: string): unknown {
    const v = this.params.get(name);
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch (err) {
      throw badRequest(`parameter ${name} is not valid JSON: ${(err as Error).message}`);
    }
  }

  object(name: string): Record<string, unknown> | undefined {
    const v = this.json(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`parameter ${name} must be a JSON object`);
    return v as Record<string, unknown>;
  }

  select(scope: AttrScope): string[] | undefined {
    const v = this.json('select');
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((a) => typeof a === 'string')) throw badRequest('select must be a JSON array of attribute names');
    for (const attr of v) {
      const field = unqualified(scope, attr);
      if (field === undefined || field.includes('.') || !isKnown(scope, field) || scope.unselectable?.has(field)) {
        throw badRequest(`invalid attribute ${JSON.stringify(attr)} in select`);
      }
    }
    return v;
  }

  order(scope: AttrScope): string[] | undefined {
    const raw = this.params.get('order');
    if (raw === undefined || raw === null || raw === '') return undefined;
    const v = typeof raw === 'string' && !raw.trim().startsWith('[') ? raw.split(',') : this.json('order');
    if (!Array.isArray(v) || !v.every((a) => typeof a === 'string')) throw badRequest('order must be a list of "attribute [asc|desc]"');
    return v.map((entry) => {
      const m = /^\s*([\w.]+)(?:\s+(asc|desc))?\s*$/i.exec(entry);
      const field = m ? unqualified(scope, m[1]!) : undefined;
      if (!m || field === undefined || !isKnown(scope, field)) throw badRequest(`invalid order ${JSON.stringify(entry)}`);
      return m[2] ? `${m[1]} ${m[2].toLowerCase()}` : m[1]!;
    });
  }

  filters(scope: AttrScope): Filter[] | undefined {
    const v = this.json('filters');
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw badRequest('filters must be a JSON array of [attribute, operator, operand]');
    // A single unwrapped filter (["name","=","x"]) is accepted, as Arvados does.
    const list: unknown[] = v.length > 0 && typeof v[0] === 'string' ? [v] : v;
    return list.map(checkFilter(scope));
  }

  listParams(scope: AttrScope): ListParams {
    const count = this.string('count');
    if (count !== undefined && count !== 'exact' && count !== 'none') throw badRequest('count must be "exact" or "none"');
    return dropUndefined({
      filters: this.filters(scope),
      select: this.select(scope),
      order: this.order(scope),
      limit: this.nonNegativeInt('limit'),
      offset: this.nonNegativeInt('offset'),
      count,
      include_trash: this.bool('include_trash'),
    });
  }

  /** The resource object (`collection={…}`): no unknown attributes, writable ones of the right type. */
  resourceAttrs(spec: ResourceSpec): Record<string, unknown> {
    const attrs = this.object(spec.wrapper) ?? {};
    for (const [key, value] of Object.entries(attrs)) {
      const type = Object.hasOwn(spec.writable, key) ? spec.writable[key] : undefined;
      if (type !== undefined) {
        if (!hasType(value, type)) throw badRequest(`attribute ${spec.wrapper}.${key} must be ${type}`);
      } else if (!spec.readable.has(key) && !LEGACY_ATTRS.has(key)) {
        throw badRequest(`unknown attribute ${JSON.stringify(key)} in ${spec.wrapper}`);
      }
      // Read-only attributes pass: clients PATCH back whole records, and the API ignores them.
    }
    return attrs;
  }
}

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function checkFilter(scope: AttrScope): (f: unknown, i: number) => Filter {
  return (f, i) => {
    const where = `filters[${i}]`;
    if (!Array.isArray(f) || f.length !== 3) throw badRequest(`${where} must be [attribute, operator, operand]`);
    const [attr, rawOp, operand] = f as [unknown, unknown, unknown];
    if (typeof attr !== 'string') throw badRequest(`${where}: attribute must be a string`);
    const field = unqualified(scope, attr);
    if (field === undefined || !isKnown(scope, field)) throw badRequest(`${where}: invalid attribute ${JSON.stringify(attr)}`);
    const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : '';
    if (!OPERATORS.has(op)) throw badRequest(`${where}: invalid operator ${JSON.stringify(rawOp)}`);
    const problem = operandProblem(op, operand);
    if (problem) throw badRequest(`${where}: operand for ${op} ${problem}`);
    return [attr, op as FilterOperator, operand];
  };
}

function operandProblem(op: string, operand: unknown): string | undefined {
  const scalar = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);
  switch (op) {
    case 'in':
    case 'not in':
      return Array.isArray(operand) && operand.every(scalar) ? undefined : 'must be an array of values';
    case 'is_a': {
      const types = Array.isArray(operand) ? operand : [operand];
      return types.every((t) => typeof t === 'string' && t.startsWith('arvados#')) ? undefined : 'must be "arvados#<kind>" or an array of them';
    }
    case 'like':
    case 'ilike':
      return typeof operand === 'string' ? undefined : 'must be a string';
    case 'exists':
      return typeof operand === 'string' || typeof operand === 'boolean' ? undefined : 'must be a string or boolean';
    case 'contains':
      return scalar(operand) || (Array.isArray(operand) && operand.every(scalar)) ? undefined : 'must be a value or an array of values';
    default:
      return scalar(operand) ? undefined : 'must be a string, number, boolean or null';
  }
}

/** Strips a `<table>.` qualifier naming a table in scope; undefined when it names another table. */
function unqualified(scope: AttrScope, attr: string): string | undefined {
  const dot = attr.indexOf('.');
  if (dot < 0) return attr;
  const table = attr.slice(0, dot);
  if (scope.specs.some((s) => s.table === table)) return attr.slice(dot + 1);
  return attr.startsWith('properties.') ? attr : undefined;
}

function isKnown(scope: AttrScope, field: string): boolean {
  const base = field.startsWith('properties.') && field.length > 'properties.'.length ? 'properties' : field;
  return scope.specs.some((s) => s.readable.has(base));
}

function hasType(v: unknown, type: AttrType): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'string|null':
      return v === null || typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer|null':
      return v === null || Number.isSafeInteger(v);
    case 'timestamp|null':
      return v === null || (typeof v === 'string' && !Number.isNaN(Date.parse(v)));
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'string[]':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
  }
}

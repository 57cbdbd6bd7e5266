// Shared pieces of the ArvadosApi contract suite: the target each implementation provides,
// and helpers that build the small worlds the tests need (users with tokens, projects,
// collections seeded by the admin) through the API itself, so they work on any backend.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArvadosApiError, type ArvadosApi } from '../../src/arvados-api/api.js';
import type { Collection, Group, ItemList, User } from '../../src/arvados-api/types.js';

export interface ContractTarget {
  readonly api: ArvadosApi;
  /** A v2 token of an admin user. */
  readonly adminToken: string;
  close(): Promise<void>;
}

export interface ContractSkip {
  readonly reason: string;
  /** Exact test names. */
  readonly tests: readonly string[];
}

export interface ContractOptions {
  readonly name: string;
  readonly make: () => Promise<ContractTarget>;
  /** Tests this implementation is known not to pass, each group with its reason. */
  readonly skip?: readonly ContractSkip[];
}

/** What each section of the suite registers its tests with. */
export interface ContractSuite {
  /** The target, once the suite's `before` hook has made it. */
  target(): ContractTarget;
  test(name: string, fn: () => Promise<void>): void;
}

export interface TestUser {
  readonly user: User;
  /** v2 token string. */
  readonly token: string;
}

/** unsigned_manifest_text is returned only when selected: what the content tests ask for. */
export const CONTENT_SELECT = ['uuid', 'name', 'portable_data_hash', 'unsigned_manifest_text', 'file_count', 'file_size_total'];

export const UUID_RE = (infix: string): RegExp => new RegExp(`^[a-z0-9]{5}-${infix}-[a-z0-9]{15}$`);
export const PDH_RE = /^[0-9a-f]{32}\+\d+$/;
export const EMPTY_PDH = 'd41d8cd98f00b204e9800998ecf8427e+0';
const SIGNED_LOCATOR_RE = /^[0-9a-f]{32}\+\d+(\+[A-Z][^+\s]*)*$/;

/** A name no other test (or earlier run) uses. */
export const unique = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

export async function newUser(t: ContractTarget, label: string, opts: { admin?: boolean } = {}): Promise<TestUser> {
  const username = unique(label).replace(/-/g, '');
  const user = await t.api.createUser(t.adminToken, {
    email: `${username}@example.com`, username, first_name: label, last_name: 'Tester', is_admin: opts.admin ?? false,
  });
  const auth = await t.api.createToken(t.adminToken, { owner_uuid: user.uuid });
  return { user, token: `v2/${auth.uuid}/${auth.api_token}` };
}

export async function newProject(api: ArvadosApi, token: string, attrs: Partial<Group> = {}): Promise<Group> {
  return api.createGroup(token, { name: unique('project'), group_class: 'project', ...attrs });
}

/** A collection with this manifest owned by `ownerUuid`, created by the admin (exempt from signature checks). */
export function seedCollection(t: ContractTarget, ownerUuid: string, manifest: string, attrs: Partial<Collection> = {}): Promise<Collection> {
  return t.api.createCollection(
    t.adminToken,
    { owner_uuid: ownerUuid, name: unique('seed'), manifest_text: manifest, ...attrs },
    { select: [...CONTENT_SELECT, 'owner_uuid'] },
  );
}

/** Awaits a rejection and checks it is an ArvadosApiError with this status and a non-empty error list. */
export async function expectApiError(promise: Promise<unknown>, status: number | readonly number[]): Promise<ArvadosApiError> {
  const err = await promise.then(
    (v) => assert.fail(`expected HTTP ${String(status)}, got success: ${JSON.stringify(v).slice(0, 300)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArvadosApiError, `expected ArvadosApiError, got ${String(err)}`);
  const want = Array.isArray(status) ? status : [status];
  assert.ok(want.includes(err.status), `expected status ${want.join('|')}, got ${err.status}: ${err.message}`);
  assert.ok(err.errors.length > 0 && err.errors.every((e) => typeof e === 'string' && e.length > 0));
  return err;
}

export function assertList<T>(list: ItemList<T>, kind: string): void {
  assert.equal(list.kind, kind);
  assert.ok(Array.isArray(list.items));
  assert.equal(typeof list.offset, 'number');
  assert.equal(typeof list.limit, 'number');
}

export function assertIsoTime(v: unknown, what: string): void {
  assert.ok(typeof v === 'string' && !Number.isNaN(Date.parse(v)), `${what} should be a timestamp, got ${String(v)}`);
}

export function assertCollectionShape(c: Collection): void {
  assert.equal(c.kind, 'arvados#collection');
  assert.match(c.uuid, UUID_RE('4zz18'));
  assert.match(c.owner_uuid, /^[a-z0-9]{5}-(tpzed|j7d0g)-[a-z0-9]{15}$/);
  assert.match(c.portable_data_hash, PDH_RE);
  assert.equal(typeof c.name, 'string');
  assert.equal(typeof c.properties, 'object');
  assert.ok(Number.isInteger(c.file_count) && c.file_count >= 0);
  assert.ok(Number.isInteger(c.file_size_total) && c.file_size_total >= 0);
  assert.ok(Array.isArray(c.storage_classes_desired));
  assert.equal(typeof c.is_trashed, 'boolean');
  assert.ok(Number.isInteger(c.version) && c.version >= 1);
  assertIsoTime(c.created_at, 'created_at');
  assertIsoTime(c.modified_at, 'modified_at');
}

export function assertGroupShape(g: Group): void {
  assert.equal(g.kind, 'arvados#group');
  assert.match(g.uuid, UUID_RE('j7d0g'));
  assert.equal(typeof g.name, 'string');
  assert.ok(['project', 'role', 'filter'].includes(g.group_class));
  assert.equal(typeof g.properties, 'object');
  assert.equal(typeof g.is_trashed, 'boolean');
  assertIsoTime(g.created_at, 'created_at');
  assertIsoTime(g.modified_at, 'modified_at');
}

/** PDH of a manifest text: md5 of its bytes, plus its length. */
export function pdhOf(unsignedManifest: string): string {
  const bytes = Buffer.from(unsignedManifest, 'utf8');
  return `${createHash('md5').update(bytes).digest('hex')}+${bytes.length}`;
}

/** Every block locator in a manifest (signed for the caller when it came from the API). */
export function locatorsOf(manifest: string): string[] {
  return manifest.split('\n').filter(Boolean).flatMap((line) => line.split(' ').slice(1).filter((tok) => /^[0-9a-f]{32}\+/.test(tok)));
}

export function assertSignedManifest(manifest: string): void {
  for (const loc of locatorsOf(manifest)) {
    assert.match(loc, SIGNED_LOCATOR_RE);
    assert.match(loc, /\+A[0-9a-f]{40}@[0-9a-f]{8}/, `locator ${loc} should carry a +A signature`);
  }
}

export interface ManifestVector {
  readonly id: string;
  readonly manifest: string;
  readonly pdh: string;
  readonly files?: ReadonlyArray<{ path: string; size: number }>;
  readonly go_marshal?: string;
}

export function loadManifestVectors(): ManifestVector[] {
  const file = resolve(import.meta.dirname, '..', '..', 'test', 'fixtures', 'arvados', 'manifests.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { vectors: ManifestVector[] }).vectors;
}

export const stripSignatures = (manifest: string): string => manifest.replace(/\+A[^\s+]+/g, '');

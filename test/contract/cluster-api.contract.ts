// One contract for every ArvadosApi implementation (STYLE.md §2 item 10): the embedded
// backend in-process, ArvadosHttpClient against the embedded REST API in another process,
// and a real Arvados cluster when one is configured. Each run gets one fresh cluster; tests
// build their own users and projects through the API, so they never see each other's data.
// Known gaps are declared per implementation as `skip` entries, each with its reason; a
// skip naming a test that does not exist fails the run, so skips cannot outlive their tests.

import { test as nodeTest, after, before, describe } from 'node:test';
import { accountContract } from './contract-accounts.js';
import { collectionContract } from './contract-collections.js';
import { groupContract } from './contract-groups.js';
import { manifestContract } from './contract-manifests.js';
import { permissionContract } from './contract-permissions.js';
import type { ContractOptions, ContractSuite, ContractTarget } from './contract-support.js';

export type { ContractOptions, ContractSkip, ContractTarget } from './contract-support.js';

export function runArvadosApiContract(opts: ContractOptions): void {
  describe(`ArvadosApi contract: ${opts.name}`, () => {
    let current: ContractTarget | undefined;
    const skipReason = new Map<string, string>();
    for (const s of opts.skip ?? []) for (const name of s.tests) skipReason.set(name, s.reason);
    const registered = new Set<string>();
    const suite: ContractSuite = {
      target() {
        if (!current) throw new Error('contract target not made yet');
        return current;
      },
      test(name, fn) {
        registered.add(name);
        nodeTest(name, { skip: skipReason.get(name) ?? false }, fn);
      },
    };
    before(async () => {
      current = await opts.make();
    });
    after(async () => {
      await current?.close();
    });
    describe('tokens, users, keep services', () => accountContract(suite));
    describe('groups', () => groupContract(suite));
    describe('collections', () => collectionContract(suite));
    describe('manifests and replace_files', () => manifestContract(suite));
    describe('permissions and links', () => permissionContract(suite));
    nodeTest('every skip names an existing contract test', () => {
      const unknown = [...skipReason.keys()].filter((name) => !registered.has(name));
      if (unknown.length > 0) throw new Error(`skip entries for unknown tests: ${unknown.join(', ')}`);
    });
  });
}

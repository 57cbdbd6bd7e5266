// One contract for every ArvadosApi implementation (STYLE.md §2 item 10): the embedded
// backend in-process, ArvadosHttpClient against the embedded REST API in another process,
// and a real Arvados cluster when one is configured. Each run gets one fresh cluster; tests
// build their own users and projects through the API, so they never see each other's data.

import { after, before, describe } from 'node:test';
import { accountContract } from './contract-accounts.js';
import { collectionContract } from './contract-collections.js';
import { groupContract } from './contract-groups.js';
import { manifestContract } from './contract-manifests.js';
import { permissionContract } from './contract-permissions.js';
import type { ContractOptions, ContractTarget } from './contract-support.js';

export type { ContractOptions, ContractTarget } from './contract-support.js';

export function runArvadosApiContract(opts: ContractOptions): void {
  describe(`ArvadosApi contract: ${opts.name}`, () => {
    let current: ContractTarget | undefined;
    const target = (): ContractTarget => {
      if (!current) throw new Error('contract target not made yet');
      return current;
    };
    before(async () => {
      current = await opts.make();
    });
    after(async () => {
      await current?.close();
    });
    describe('tokens, users, keep services', () => accountContract(target));
    describe('groups', () => groupContract(target));
    describe('collections', () => collectionContract(target));
    describe('manifests and replace_files', () => manifestContract(target));
    describe('permissions and links', () => permissionContract(target));
  });
}

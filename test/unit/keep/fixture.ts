import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Loads a JSON test vector file from the shared Arvados fixtures. */
export function loadFixture<T = unknown>(name: string): T {
  const path = resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'arvados', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

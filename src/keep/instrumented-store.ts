// A BlockStore that reports every block read and write (count, bytes, latency) to the
// metrics; wrapped once around the cluster's store by the composition root.

import type { Metrics } from '../metrics/metrics.js';
import type { BlockGetOptions, BlockPutOptions, BlockPutResult, BlockStore } from './block-store.js';

export function instrumentBlockStore(store: BlockStore, metrics: Metrics): BlockStore {
  const timed = async <T>(op: () => Promise<T>, report: (seconds: number, ok: boolean, value?: T) => void): Promise<T> => {
    const start = performance.now();
    try {
      const value = await op();
      report((performance.now() - start) / 1000, true, value);
      return value;
    } catch (err) {
      report((performance.now() - start) / 1000, false);
      throw err;
    }
  };
  return {
    put: (data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> =>
      timed(() => store.put(data, opts), (seconds, ok) => metrics.keepBlockWrite({ bytes: data.length, seconds, ok })),
    get: (locator: string, opts?: BlockGetOptions): Promise<Buffer> =>
      timed(() => store.get(locator, opts), (seconds, ok, block) => metrics.keepBlockRead({ bytes: block?.length ?? 0, seconds, ok })),
    head: (locator: string, opts?: BlockGetOptions): Promise<number> => store.head(locator, opts),
  };
}

// The hash pool's worker thread (common/hash-pool.ts): one-shot hashes, and streams whose state
// lives here between updates. Buffers come back to the pool with each reply.
// Runs as a CommonJS script (eval), so it works the same from tsx and from compiled dist/.
//
// Each SharedArrayBuffer received is a new object here that keeps the shared memory alive
// until this thread's garbage collector frees it, and a thread that only hashes allocates so
// little that it may never collect: a buffer the main thread dropped would then never be
// freed (measured: 60 dropped 64 MiB buffers, 3.9 GB resident). So once a message that
// brought one has been handled, this thread allocates a throwaway array larger than its young
// generation (kept at YOUNG_GENERATION_MB by the pool), which forces a minor collection (~1 ms).
export const YOUNG_GENERATION_MB = 1;

export const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map(); // sid -> Hash, or null once an update failed
let collecting = false;
const collectYoung = () => {
  collecting = false;
  new Array(${YOUNG_GENERATION_MB} * 262144).fill(0);
};
parentPort.on('message', (m) => {
  if (m.buf instanceof SharedArrayBuffer && !collecting) {
    collecting = true;
    setImmediate(collectYoung);
  }
  handle(m);
});
function handle(m) {
  const data = m.buf === undefined ? undefined : new Uint8Array(m.buf, m.off, m.len);
  const back = m.buf instanceof ArrayBuffer ? [m.buf] : [];
  try {
    if (m.op === 'hash') {
      parentPort.postMessage({ id: m.id, digest: createHash(m.alg).update(data).digest(), buf: back[0] }, back);
    } else if (m.op === 'update') {
      if (!streams.has(m.sid)) streams.set(m.sid, createHash(m.alg));
      streams.get(m.sid)?.update(data);
      parentPort.postMessage({ sid: m.sid, buf: back[0], len: m.len }, back);
    } else if (m.op === 'digest') {
      const h = streams.has(m.sid) ? streams.get(m.sid) : createHash(m.alg);
      streams.delete(m.sid);
      if (h === null) throw new Error('an update of this stream failed');
      parentPort.postMessage({ id: m.id, digest: h.digest() });
    } else if (m.op === 'cancel') {
      streams.delete(m.sid);
    }
  } catch (err) {
    const update = m.op === 'update';
    if (update) streams.set(m.sid, null);
    parentPort.postMessage({ id: m.id, sid: update ? m.sid : undefined, error: String(err), buf: back[0], len: update ? m.len : undefined }, back);
  }
}
`;

// Full-block buffers are recycled once their bytes are stored, but never while a write or a
// stream still reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockBuffers } from '../../../src/collectionfs/block-buffers.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { gate, newFs } from './helpers.js';

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

test('the buffer of a stored full block is reused by the next one', async () => {
  const block = 64 * 1024;
  const blockBuffers = new BlockBuffers({ blockSize: block });
  const { fs } = newFs({ blockBuffers });
  const w = fs.openWriter('f');
  await w.write(Buffer.alloc(block, 'a'));
  await fs.idle();
  assert.equal(blockBuffers.idleCount(), 1);
  await w.write(Buffer.alloc(block, 'b'));
  await fs.idle();
  assert.equal(blockBuffers.idleCount(), 1, 'taken and given back again');
  assert.deepEqual(await fs.read('f', block - 1, 2), Buffer.from('ab'));
  // Small files are packed through one pooled buffer, which goes back afterwards.
  await fs.write('s1', 0, Buffer.from('xyz'));
  await fs.write('s2', 0, Buffer.from('uvw'));
  await fs.sync();
  assert.equal(blockBuffers.idleCount(), 1);
  assert.equal((await fs.read('s2', 0, 100)).toString(), 'uvw');
  assert.deepEqual(await fs.read('f', 0, 2 * block), Buffer.concat([Buffer.alloc(block, 'a'), Buffer.alloc(block, 'b')]));
});

test('a stream keeps the buffer of an in-memory piece until it is closed', async () => {
  const hold = gate();
  const store = new MemoryBlockStore({ onPut: () => hold.promise });
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: store, blockBuffers });
  await fs.write('f', 0, Buffer.from('aaaaaaaa')); // full: its write is in flight, held
  const stream = fs.createReadStream('f'); // planned while the bytes are in memory
  hold.open();
  await fs.idle();
  assert.equal(fs.inspectSegments('f')[0]!.kind, 'stored');
  assert.equal(blockBuffers.idleCount(), 0, 'pinned by the stream, not recycled');
  await fs.write('g', 0, Buffer.from('bbbbbbbb')); // would overwrite a recycled buffer
  assert.equal(await collect(stream), 'aaaaaaaa');
});

test('truncating away an in-memory block recycles its buffer; a flushing one is left alone', async () => {
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers, throttleLimit: 1 });
  fs.create('f');
  fs.truncate('f', 16); // two zero-filled full blocks, not flushing
  fs.truncate('f', 0);
  assert.equal(blockBuffers.idleCount(), 2);
  await fs.write('f', 0, Buffer.from('cccccccc')); // flushing (held)
  fs.truncate('f', 0);
  assert.equal(blockBuffers.idleCount(), 1, 'the flushing buffer is still being written');
  hold.open();
  await fs.idle();
  assert.equal(fs.stat('f').size, 0);
});

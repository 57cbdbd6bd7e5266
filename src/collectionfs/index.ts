// The collection filesystem: one collection's files over a BlockStore, with in-memory writes
// flushed to Keep through the process-wide throttle (ARVADOS.md g).
export { CollectionFS } from './fs.js';
export type { CollectionFSOptions, DirEntry, FileStat, FlushOptions, ReadStreamOptions, SegmentInfo } from './fs.js';
export { BlockBuffers, type BlockBuffersOptions } from './block-buffers.js';
export type { Snapshot } from './snapshot.js';
export type { FileWriter, FileWriterOptions } from './writer.js';
export type { Clock, CreateFileOptions } from './tree.js';

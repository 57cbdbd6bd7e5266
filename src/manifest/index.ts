// The manifest format layer: pure text <-> tree conversions shared by the collection
// filesystem and the embedded backend.
export type { FileEntry, ManifestTree, Segment } from './types.js';
export { ManifestError } from './errors.js';
export { escapeName, unescapeName } from './escape.js';
export { parseManifest } from './parse.js';
export { marshalManifest } from './marshal.js';
export { portableDataHash, portableManifestText } from './pdh.js';
export { validateManifest } from './validate.js';
export { mapLocators, stripSignatures } from './locators-in-text.js';
export { segmentsFingerprint } from './fingerprint.js';
export { manifestStats } from './stats.js';

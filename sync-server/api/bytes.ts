// Decodes a base64url field the schema has already checked; a failure here is a bug, not bad input.
import { fromBase64url } from '../../lib/protocol/base64url';
import { assert } from '../../lib/protocol/errors';

export function decoded(text: string): Buffer {
  const bytes = fromBase64url(text);
  assert(bytes !== null, 'a schema-checked base64url field decodes');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

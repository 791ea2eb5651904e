/**
 * PostgreSQL binary array encodings for the bulk chunk INSERT. node-postgres sends a Buffer parameter in binary
 * format, so `$n::vector[]` and `$n::text[]` reach the server's array_recv/vector_recv/textrecv directly: no float
 * formatting in Node (pgvector's toSql costs about as much as parsing and scanning a chunk), no float parsing and no
 * array-literal unescaping in Postgres. The server still validates every element (dimensions, finite floats, UTF-8).
 */

/** OID of the built-in `text` type (pg_type.dat); fixed across PostgreSQL versions. */
export const TEXT_OID = 25

const ARRAY_HEADER_BYTES = 20

function arrayHeader(buffer: Buffer, elementOid: number, length: number): number {
  buffer.writeInt32BE(1, 0) // dimensions
  buffer.writeInt32BE(0, 4) // flags: no NULL elements
  buffer.writeUInt32BE(elementOid, 8)
  buffer.writeInt32BE(length, 12)
  buffer.writeInt32BE(1, 16) // lower bound
  return ARRAY_HEADER_BYTES
}

/**
 * A one-dimensional `vector[]` of `count` vectors of `dimensions` floats, read consecutively from `values`. pgvector's
 * binary form of one vector is int16 dimensions, int16 unused (0), then big-endian float4s.
 */
export function encodeVectorArray(vectorOid: number, values: Float32Array, dimensions: number): Buffer {
  if (values.length % dimensions !== 0) throw new RangeError('vector values are not a whole number of vectors')
  const count = values.length / dimensions
  const elementBytes = 4 + 4 * dimensions
  const buffer = Buffer.allocUnsafe(ARRAY_HEADER_BYTES + count * (4 + elementBytes))
  let at = arrayHeader(buffer, vectorOid, count)
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  for (let v = 0, i = 0; v < count; v++) {
    view.setInt32(at, elementBytes)
    view.setInt16(at + 4, dimensions)
    view.setInt16(at + 6, 0)
    at += 8
    for (let d = 0; d < dimensions; d++, i++, at += 4) view.setFloat32(at, values[i] as number)
  }
  return buffer
}

/** A one-dimensional `text[]` without NULLs, each element as UTF-8. */
export function encodeTextArray(values: readonly string[]): Buffer {
  let bytes = ARRAY_HEADER_BYTES
  const lengths = values.map((s) => {
    const n = Buffer.byteLength(s, 'utf8')
    bytes += 4 + n
    return n
  })
  const buffer = Buffer.allocUnsafe(bytes)
  let at = arrayHeader(buffer, TEXT_OID, values.length)
  for (let i = 0; i < values.length; i++) {
    const n = lengths[i] as number
    buffer.writeInt32BE(n, at)
    at += 4
    at += buffer.write(values[i] as string, at, n, 'utf8')
  }
  return buffer
}

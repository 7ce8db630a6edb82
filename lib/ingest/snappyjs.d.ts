/** The part of snappyjs (pure JavaScript Snappy, block format) that Loki push bodies need; it ships no types. */
declare module "snappyjs" {
  /** Throws when the data is not Snappy or would decompress to more than `maxLength` bytes. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
  const SnappyJS: { uncompress: typeof uncompress; compress: typeof compress };
  export default SnappyJS;
}

// torch.save's zip format (PyTorch ≥ 1.6): `<archive>/data.pkl` holds the object, `<archive>/data/<key>` the raw
// little-endian storages it refers to. Read with the restricted unpickler; nothing in the file is executed.
import { fail } from './concept-errors';
import { unpickle } from './safe-unpickler';
import { decodeFloats, DTYPE_BYTES } from './tensor-dtypes';
import { readZip } from './zip-reader';

const MAX_ENTRY_BYTES = 64 << 20;

export function readTorchFile(bytes: Uint8Array): unknown {
  if (bytes.length >= 2 && bytes[0] === 0x80)
    fail('unsupported', 'PyTorch file in the legacy (pre-1.6) format: re-save it with a current torch');
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    fail('malformed', 'not a PyTorch file (no zip signature)');
  const zip = readZip(bytes, MAX_ENTRY_BYTES);
  const pickleName = zip.names.find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (!pickleName) return fail('malformed', 'PyTorch file without data.pkl');
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  return unpickle(zip.read(pickleName), (key, dtype, numel) => {
    if (!dtype)
      return fail(
        'unsupported',
        'pickle: a tensor storage of an unsupported type (only float32, float16 and bfloat16)',
      );
    if (!/^\w+$/.test(key)) fail('malformed', `PyTorch file: bad storage key ${key}`);
    const name = `${prefix}data/${key}`;
    if (!zip.names.includes(name)) fail('truncated', `PyTorch file: storage ${key} is missing`);
    const data = zip.read(name);
    if (data.length !== numel * DTYPE_BYTES[dtype])
      fail('malformed', `PyTorch file: storage ${key} has the wrong size`);
    return decodeFloats(data, 0, numel, dtype, `storage ${key}`);
  });
}

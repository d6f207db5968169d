// Loads the exported tiny-shapes ONNX graphs with onnxruntime-node (CPU) and checks their input/output names,
// dtypes and dynamic batch against diffusers' ONNX export, and their outputs against the torch reference that
// export.py wrote (train/.work/onnx-reference.json).
// Usage: node models/tiny-shapes/train/verify_onnx.mjs [model dir] [reference json]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const modelDir = process.argv[2] ?? join(here, '..');
const ref = JSON.parse(readFileSync(process.argv[3] ?? join(here, '.work', 'onnx-reference.json'), 'utf8'));
const TOL = 2e-3;
let failures = 0;

function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function open(part, inputs, outputs) {
  const s = await ort.InferenceSession.create(join(modelDir, part, 'model.onnx'), { executionProviders: ['cpu'] });
  check(`${part} inputs ${inputs.join(',')}`, JSON.stringify(s.inputNames) === JSON.stringify(inputs), s.inputNames.join(','));
  check(`${part} outputs ${outputs.join(',')}`, JSON.stringify(s.outputNames) === JSON.stringify(outputs), s.outputNames.join(','));
  const meta = s.inputMetadata ?? [];
  for (const m of Array.isArray(meta) ? meta : []) console.log(`     ${part}.${m.name}: ${m.type} [${m.shape}]`);
  return s;
}

const text = await open('text_encoder', ['input_ids'], ['last_hidden_state', 'pooler_output']);
const ids = new ort.Tensor('int32', Int32Array.from(ref.ids[0]), [1, 77]);
let r = await text.run({ input_ids: ids });
check('text_encoder last_hidden_state', maxDiff(r.last_hidden_state.data, ref.last_hidden_state) < TOL,
  `max diff ${maxDiff(r.last_hidden_state.data, ref.last_hidden_state).toExponential(2)}, dims ${r.last_hidden_state.dims}`);
check('text_encoder pooler_output', maxDiff(r.pooler_output.data, ref.pooler_output) < TOL);
const ids3 = new ort.Tensor('int32', Int32Array.from([...ref.ids[0], ...ref.ids[0], ...ref.ids[0]]), [3, 77]);
r = await text.run({ input_ids: ids3 });
check('text_encoder dynamic batch 3', r.last_hidden_state.dims[0] === 3 &&
  maxDiff(r.last_hidden_state.data.slice(2 * 77 * 256), ref.last_hidden_state) < TOL);

const unet = await open('unet', ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample']);
r = await unet.run({
  sample: new ort.Tensor('float32', Float32Array.from(ref.latents), [2, 4, 16, 16]),
  timestep: new ort.Tensor('int64', BigInt64Array.from([BigInt(ref.timestep)]), [1]),
  encoder_hidden_states: new ort.Tensor('float32', Float32Array.from(ref.context), [2, 77, ref.context.length / 154]),
});
check('unet out_sample', maxDiff(r.out_sample.data, ref.out_sample) < TOL,
  `max diff ${maxDiff(r.out_sample.data, ref.out_sample).toExponential(2)}, dims ${r.out_sample.dims}`);

const enc = await open('vae_encoder', ['sample'], ['latent_sample']);
r = await enc.run({ sample: new ort.Tensor('float32', Float32Array.from(ref.image), [1, 3, 128, 128]) });
check('vae_encoder latent_sample (posterior mean)', maxDiff(r.latent_sample.data, ref.latent_sample) < TOL,
  `max diff ${maxDiff(r.latent_sample.data, ref.latent_sample).toExponential(2)}, dims ${r.latent_sample.dims}`);

const dec = await open('vae_decoder', ['latent_sample'], ['sample']);
r = await dec.run({ latent_sample: new ort.Tensor('float32', Float32Array.from(ref.latents.slice(0, 1024)), [1, 4, 16, 16]) });
check('vae_decoder sample', maxDiff(r.sample.data, ref.decoded) < TOL,
  `max diff ${maxDiff(r.sample.data, ref.decoded).toExponential(2)}, dims ${r.sample.dims}`);

// The concept file: A1111 layout, emb_params [2, dim] float32.
const st = readFileSync(join(modelDir, 'concepts', 'heart.safetensors'));
const n = Number(st.readBigUInt64LE(0));
const header = JSON.parse(st.subarray(8, 8 + n).toString('utf8'));
const e = header.emb_params;
const data = new Float32Array(st.buffer.slice(st.byteOffset + 8 + n + e.data_offsets[0], st.byteOffset + 8 + n + e.data_offsets[1]));
check('heart.safetensors emb_params', e.dtype === 'F32' && e.shape[0] === 2 && maxDiff(data, ref.concept) < 1e-6,
  `shape [${e.shape}]`);

console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);

// A LoRA file's tensors grouped by the module they change, in the two namings in use: kohya/A1111
// (`lora_unet_down_blocks_0_…_to_q.lora_down.weight`, `.lora_up.weight`, `.alpha`; `lora_te_…` for the text encoder)
// and diffusers/PEFT (`unet.down_blocks.0.….to_q.lora_A.weight`, `.lora_B.weight`; `text_encoder.…`), plus diffusers'
// older `…to_q_lora.down.weight` / `….lora.down.weight`. Scale = alpha / rank (kohya: the `.alpha` tensor; PEFT: the
// `lora_adapter_metadata` that diffusers writes, else alpha = rank, as diffusers assumes).
import type { LoraTensor } from '../engine-types';

export type LoraComponent = 'unet' | 'text_encoder';

export interface LoraModule {
  component: LoraComponent;
  /** Dotted (`down_blocks.0.attentions.0.proj_in`) or, for kohya files, underscored (`down_blocks_0_…`). */
  name: string;
  underscored: boolean;
  down: LoraTensor;
  up: LoraTensor;
  /** alpha / rank. */
  scale: number;
  /** The file's keys this module consumed, so unmatched modules are reported by them. */
  keys: string[];
}

export interface LoraModules {
  modules: LoraModule[];
  /** Keys that belong to no module this studio understands, with why. */
  unknown: { key: string; reason: string }[];
}

/** `mid`: LoCon's Tucker core; `magnitude`: DoRA's magnitude vector (both refused: up·down alone would be wrong). */
type Part = 'down' | 'up' | 'alpha' | 'mid' | 'magnitude';

interface Parsed {
  component: LoraComponent | 'text_encoder_2';
  name: string;
  underscored: boolean;
  part: Part;
}

const KOHYA = /^lora_(unet|te|te1|te2)_(.+)\.(lora_down\.weight|lora_up\.weight|lora_mid\.weight|dora_scale|alpha)$/;
const PEFT_PART =
  /^(.+?)\.(?:lora_A(?:\.default)?\.weight|lora_B(?:\.default)?\.weight|alpha|lora\.down\.weight|lora\.up\.weight|lora_linear_layer\.down\.weight|lora_linear_layer\.up\.weight|lora_magnitude_vector(?:\.default)?(?:\.weight)?)$/;
const OLD_PROCESSOR = /^(.+)\.processor\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/;

function parseKey(key: string): Parsed | null {
  const kohya = key.match(KOHYA);
  if (kohya) {
    const component = kohya[1] === 'unet' ? 'unet' : kohya[1] === 'te2' ? 'text_encoder_2' : 'text_encoder';
    const suffix = kohya[3];
    const parts: Record<string, Part> = {
      alpha: 'alpha',
      dora_scale: 'magnitude',
      'lora_down.weight': 'down',
      'lora_mid.weight': 'mid',
      'lora_up.weight': 'up',
    };
    const part = parts[suffix];
    return { component, name: kohya[2], underscored: true, part };
  }
  const old = key.match(OLD_PROCESSOR);
  if (old) {
    const projection = old[2] === 'to_out' ? 'to_out.0' : old[2];
    const { component, rest } = splitComponent(old[1]);
    return { component, name: `${rest}.${projection}`, underscored: false, part: old[3] as Part };
  }
  const peft = key.match(PEFT_PART);
  if (!peft) return null;
  const suffix = key.slice(peft[1].length + 1);
  const part: Part =
    suffix === 'alpha'
      ? 'alpha'
      : suffix.startsWith('lora_magnitude_vector')
        ? 'magnitude'
        : /lora_A|down/.test(suffix)
          ? 'down'
          : 'up';
  const { component, rest } = splitComponent(peft[1]);
  return { component, name: rest, underscored: false, part };
}

function splitComponent(name: string): { component: Parsed['component']; rest: string } {
  const stripped = name.replace(/^base_model\.model\./, '');
  for (const [prefix, component] of [
    ['unet.', 'unet'],
    ['text_encoder_2.', 'text_encoder_2'],
    ['text_encoder.', 'text_encoder'],
  ] as const)
    if (stripped.startsWith(prefix)) return { component, rest: stripped.slice(prefix.length) };
  return { component: 'unet', rest: stripped }; // a bare PEFT adapter of the UNet, as diffusers saves one
}

/** `metadata.lora_adapter_metadata`: JSON with `unet.lora_alpha`, `unet.r`, `text_encoder.lora_alpha`, …. */
function peftAlphas(metadata: Record<string, unknown>): Partial<Record<LoraComponent, number>> {
  const raw = metadata.lora_adapter_metadata;
  if (typeof raw !== 'string') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  const out: Partial<Record<LoraComponent, number>> = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const component of ['unet', 'text_encoder'] as const) {
    const alpha = (parsed as Record<string, unknown>)[`${component}.lora_alpha`];
    if (typeof alpha === 'number' && alpha > 0) out[component] = alpha;
  }
  return out;
}

export function groupLoraModules(
  tensors: ReadonlyMap<string, LoraTensor>,
  metadata: Record<string, unknown> = {},
): LoraModules {
  const unknown: LoraModules['unknown'] = [];
  const groups = new Map<string, { parsed: Parsed; parts: Partial<Record<Part, [string, LoraTensor]>> }>();
  for (const [key, tensor] of tensors) {
    const parsed = parseKey(key);
    if (!parsed) {
      unknown.push({ key, reason: 'not a LoRA weight in kohya or diffusers/PEFT naming' });
      continue;
    }
    const id = `${parsed.component}\0${parsed.name}`;
    if (!groups.has(id)) groups.set(id, { parsed, parts: {} });
    groups.get(id)!.parts[parsed.part] = [key, tensor];
  }
  const alphas = peftAlphas(metadata);
  const modules: LoraModule[] = [];
  for (const { parsed, parts } of groups.values()) {
    const keys = Object.values(parts).map(([key]) => key);
    const fail = (reason: string) => keys.forEach((key) => unknown.push({ key, reason }));
    if (parsed.component === 'text_encoder_2') {
      fail('a second text encoder (SDXL): this studio runs SD 1.x/2.x models');
      continue;
    }
    if (parts.magnitude) {
      fail(`module ${parsed.name} is a DoRA module (magnitude vector), which this studio does not merge`);
      continue;
    }
    if (parts.mid) {
      // LoCon's Tucker form: up·mid·down, which merging up·down alone would get wrong.
      fail(`module ${parsed.name} is a Tucker-decomposed conv (lora_mid), which this studio does not merge`);
      continue;
    }
    if (!parts.down || !parts.up) {
      fail(`module ${parsed.name} has no ${parts.down ? 'up' : 'down'} weight`);
      continue;
    }
    const down = parts.down[1];
    const up = parts.up[1];
    const rank = down.dims[0];
    if (down.dims.length < 2 || up.dims.length < 2 || up.dims[1] !== rank || rank === 0) {
      fail(`module ${parsed.name}: down ${JSON.stringify(down.dims)} and up ${JSON.stringify(up.dims)} do not chain`);
      continue;
    }
    const alphaTensor = parts.alpha?.[1];
    if (alphaTensor && alphaTensor.values.length !== 1) {
      fail(`module ${parsed.name}: alpha has ${alphaTensor.values.length} values, not one`);
      continue;
    }
    const alpha = alphaTensor ? alphaTensor.values[0] : (alphas[parsed.component] ?? rank);
    modules.push({ ...parsed, component: parsed.component, down, up, scale: alpha / rank, keys });
  }
  return { modules, unknown };
}

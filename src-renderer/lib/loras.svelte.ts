// The LoRA library in the UI: the list, imports, deletes, and which LoRAs the next job merges at what strength (kept in
// the generate form, so "reuse settings" brings them back).
import type { LoraInfo, LoraUse } from '../../src-main/shared/loras';
import { contextSlot } from './context';
import type { GenerateState } from './generate-state.svelte';
import { describeError, type StudioState } from './studio-state.svelte';

export class LorasState {
  items = $state.raw<LoraInfo[]>([]);
  importing = $state(false);

  constructor(
    private readonly studio: StudioState,
    private readonly generate: GenerateState,
  ) {}

  async load(): Promise<void> {
    try {
      this.items = await this.studio.api.call('loras.list', {});
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not list LoRAs: ${describeError(error)}` });
    }
  }

  use(name: string): LoraUse | undefined {
    return this.generate.form.loras.find((l) => l.name === name);
  }

  setUsed(name: string, used: boolean): void {
    const others = this.generate.form.loras.filter((l) => l.name !== name);
    this.generate.form.loras = used ? [...others, { name, strength: this.use(name)?.strength ?? 1 }] : others;
  }

  setStrength(name: string, strength: number): void {
    this.generate.form.loras = this.generate.form.loras.map((l) => (l.name === name ? { name, strength } : l));
  }

  async importFiles(files: File[]): Promise<void> {
    this.importing = true;
    try {
      for (const file of files) {
        try {
          const lora = await this.studio.api.call('loras.import', { file: file.name, base64: await base64Of(file) });
          this.items = [...this.items, lora].sort((a, b) => a.name.localeCompare(b.name));
          this.studio.notify({ level: 'info', message: `Imported LoRA ${lora.name}` });
        } catch (error) {
          this.studio.notify({ level: 'error', message: `${file.name}: ${describeError(error)}` });
        }
      }
    } finally {
      this.importing = false;
    }
  }

  async remove(lora: LoraInfo): Promise<void> {
    try {
      await this.studio.api.call('loras.delete', { id: lora.id });
      this.items = this.items.filter((l) => l.id !== lora.id);
      this.setUsed(lora.name, false);
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not delete ${lora.name}: ${describeError(error)}` });
    }
  }
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export const lorasSlot = contextSlot<LorasState>('LorasState');
export const useLoras = lorasSlot.use;

import { describe, expect, it } from 'vitest';
import { NAMED, loraWarning } from './lora-notice';

describe('the warning for what a LoRA left unchanged', () => {
  it('is absent when every module merged', () => {
    expect(loraWarning('ink', 12, [])).toBeNull();
  });

  it('names each ignored entry when there are few', () => {
    expect(loraWarning('ink', 3, ['a.lora_up.weight ignored (module a has no down weight)'])).toBe(
      'LoRA ink merged 3 modules; 1 ignored: a.lora_up.weight ignored (module a has no down weight)',
    );
  });

  it('counts all of many and names only the first few', () => {
    const ignored = Array.from({ length: 300 }, (_, i) => `m${i}.lora_down.weight ignored (no unet weight m${i})`);
    const warning = loraWarning('sdxl-style', 0, ignored)!;
    expect(warning).toMatch(/^LoRA sdxl-style changed nothing in this model; 300 ignored: m0\./);
    expect(warning).toContain(`m${NAMED - 1}.lora_down`);
    expect(warning).not.toContain(`m${NAMED}.lora_down`);
    expect(warning).toMatch(new RegExp(`; and ${300 - NAMED} more$`));
    expect(warning.length).toBeLessThan(400);
  });
});

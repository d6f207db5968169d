import { describe, expect, it } from 'vitest';
import { findLoraTags, lorasOfJob, removeLoraTags } from './loras';

describe('A1111 LoRA tags', () => {
  it('reads <lora:name> and <lora:name:w>, strength 1 by default', () => {
    expect(findLoraTags('a cat <lora:zorb:0.8>, <lora:ink>')).toEqual([
      { name: 'zorb', strength: 0.8, start: 6, end: 21 },
      { name: 'ink', strength: 1, start: 23, end: 33 },
    ]);
    expect(findLoraTags('<lora:neg:-0.5>')[0].strength).toBe(-0.5);
  });

  it('takes the tags out of the text the encoder reads', () => {
    expect(removeLoraTags('a cat <lora:zorb:0.8>, (red:1.2) <lora:ink>')).toBe('a cat , (red:1.2) ');
    expect(removeLoraTags('<hypernet:x:1> stays')).toBe('<hypernet:x:1> stays');
  });

  it('refuses a malformed tag, naming it', () => {
    expect(() => findLoraTags('<lora:zorb:strong>')).toThrow(
      '<lora:zorb:strong> in the prompt: "strong" is not a number',
    );
    expect(() => findLoraTags('<lora::1>')).toThrow(/the LoRA name is missing/);
    expect(() => findLoraTags('<lora:a:1:0.5>')).toThrow(/separate text-encoder and UNet strengths/);
    expect(() => findLoraTags('<lora:a:9>')).toThrow(/between -4 and 4/);
  });

  it("joins the settings' list with the prompt's tags, a tag setting a listed LoRA's strength", () => {
    expect(
      lorasOfJob(
        [
          { name: 'a', strength: 1 },
          { name: 'b', strength: 0.5 },
        ],
        ['x <lora:b:0.25> <lora:c>'],
      ),
    ).toEqual([
      { name: 'a', strength: 1 },
      { name: 'b', strength: 0.25 },
      { name: 'c', strength: 1 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { VULKAN_LOADER, vulkanLoaderProblem } from './vulkan-loader';

describe('WebGPU on Linux asks for the Vulkan loader first', () => {
  it('says what is missing when the linker would not find it', async () => {
    const search = { linkerCache: async () => 'libc.so.6\0libvulkan.so.2\0', libraryDirs: [] };
    expect(await vulkanLoaderProblem(search)).toBe(
      "no Vulkan loader (libvulkan.so.1) on this machine; WebGPU needs it and the GPU's Vulkan driver",
    );
  });

  it('has nothing to say when it would', async () => {
    const search = { linkerCache: async () => `libc.so.6\0${VULKAN_LOADER}\0`, libraryDirs: [] };
    expect(await vulkanLoaderProblem(search)).toBeNull();
  });
});

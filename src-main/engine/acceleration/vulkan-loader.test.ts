import { describe, expect, it } from 'vitest';
import { VULKAN_LOADER, vulkanLoaderProblem } from './vulkan-loader';

describe('WebGPU on Linux asks for the Vulkan loader first', () => {
  it('says what is missing when the linker would not find it', () => {
    const search = { linkerCache: () => 'libc.so.6\0libvulkan.so.2\0', libraryDirs: [] };
    expect(vulkanLoaderProblem(search)).toBe(
      "needs the Vulkan loader (libvulkan.so.1) and the GPU's Vulkan driver; no Vulkan loader on this machine",
    );
  });

  it('has nothing to say when it would', () => {
    const search = { linkerCache: () => `libc.so.6\0${VULKAN_LOADER}\0`, libraryDirs: [] };
    expect(vulkanLoaderProblem(search)).toBeNull();
  });
});

// On Linux ONNX Runtime's WebGPU runs on Vulkan, which needs the Vulkan loader (libvulkan.so.1, Debian's libvulkan1).
// Without it a WebGPU session prints a native warning on every process and then fails: asking first keeps
// `--provider auto` quiet on machines that cannot have WebGPU, and says what is missing.
import { systemLibraries, type LibrarySearch } from '../../fs/system-libraries';

export const VULKAN_LOADER = 'libvulkan.so.1';

/** Why WebGPU cannot start on this Linux machine, or null when its Vulkan loader is there. */
export async function vulkanLoaderProblem(search?: LibrarySearch): Promise<string | null> {
  return (await systemLibraries(search)).has(VULKAN_LOADER)
    ? null
    : `no Vulkan loader (${VULKAN_LOADER}) on this machine; WebGPU needs it and the GPU's Vulkan driver`;
}

// On Linux ONNX Runtime's WebGPU runs on Vulkan, which needs the Vulkan loader (libvulkan.so.1, Debian's libvulkan1).
// Without it a WebGPU session prints a native warning on every process and then fails: asking first keeps
// the provider off the list on machines that cannot have it, with what is missing as the reason.
import { systemLibraries, type LibrarySearch } from '../../fs/system-libraries';

export const VULKAN_LOADER = 'libvulkan.so.1';

let thisMachine: string | null | undefined;

/** Why WebGPU cannot start on this Linux machine, or null when its Vulkan loader is there (asked once a process). */
export function vulkanLoaderProblem(search?: LibrarySearch): string | null {
  if (!search && thisMachine !== undefined) return thisMachine;
  const problem = systemLibraries(search).has(VULKAN_LOADER)
    ? null
    : `needs the Vulkan loader (${VULKAN_LOADER}) and the GPU's Vulkan driver; no Vulkan loader on this machine`;
  if (!search) thisMachine = problem;
  return problem;
}

// Files dropped or pasted anywhere on the window go to the first feature that takes them: PNG info takes images,
// the concept library takes embedding files, and so on. Features register a handler once; App.svelte wires the
// window's drag, drop and paste events to `routeFiles` and shows the label of the handler that would take them.

export interface DroppedFile {
  file: File;
  /** The file's path inside a dropped folder ('' for a file dropped on its own), with '/' separators. */
  folderPath: string;
}

export interface FileHandler {
  /** What a drop would do, shown while dragging: "Import concepts", "Show PNG info". */
  label: string;
  /** Whether this handler takes these files (all of one drop or paste). */
  accepts(files: DroppedFile[]): boolean;
  handle(files: DroppedFile[]): void | Promise<void>;
}

export class FileRouter {
  private readonly handlers: FileHandler[] = [];

  /** Registers a handler (earlier registrations win); returns the function that removes it. */
  register(handler: FileHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const at = this.handlers.indexOf(handler);
      if (at >= 0) this.handlers.splice(at, 1);
    };
  }

  handlerFor(files: DroppedFile[]): FileHandler | null {
    if (files.length === 0) return null;
    return this.handlers.find((h) => h.accepts(files)) ?? null;
  }

  /** Hands the files to the first handler that takes them; false when none does. */
  async route(files: DroppedFile[]): Promise<boolean> {
    const handler = this.handlerFor(files);
    if (!handler) return false;
    await handler.handle(files);
    return true;
  }
}

/** The window's one router. */
export const windowFiles = new FileRouter();

export const hasExtension = (file: DroppedFile, ...extensions: string[]): boolean =>
  extensions.some((ext) => file.file.name.toLowerCase().endsWith(ext));

/** Bounds a dropped folder's walk: a user who drops their home folder gets a clear refusal, not a frozen tab. */
export const maxDroppedFiles = 10_000;

/** Every file of a drop, folders walked recursively (entries API; files only where the browser has no entries). */
export async function filesOfDrop(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 0) return [...transfer.files].map((file) => ({ file, folderPath: '' }));
  const out: DroppedFile[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** Files of a paste (images copied from another app or a file manager). */
export function filesOfPaste(data: DataTransfer): DroppedFile[] {
  return [...data.files].map((file) => ({ file, folderPath: '' }));
}

async function walk(entry: FileSystemEntry, parent: string, out: DroppedFile[]): Promise<void> {
  if (out.length >= maxDroppedFiles) throw new Error(`The drop holds more than ${maxDroppedFiles} files`);
  const here = parent ? `${parent}/${entry.name}` : '';
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, folderPath: here });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const folder = parent ? here : entry.name;
  // readEntries answers in batches: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, folder, out);
  }
}

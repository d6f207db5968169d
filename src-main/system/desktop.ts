// What only the desktop app can do for the studio: the system's file manager and its native folder picker. The
// Electron shell passes an implementation to createStudio; the headless server and the CLI pass none, and the
// contract's desktop actions then fail with `unsupported`.
import { StudioError } from '../shared/errors';

export interface DesktopActions {
  /** Shows the file, selected, in the system's file manager. */
  revealPath(path: string): void;
  /** Opens the file or folder with the system's default application. */
  openPath(path: string): Promise<void>;
  /** The native folder picker titled `title`: the chosen folder, or null when cancelled. */
  chooseFolder(title: string): Promise<string | null>;
  /** The native file picker titled `title`, showing files with these extensions: the chosen file, or null. */
  chooseFile(title: string, extensions: string[]): Promise<string | null>;
}

/** The desktop actions, or the typed error that says they are not available here. */
export function requireDesktop(desktop: DesktopActions | undefined, action: string): DesktopActions {
  if (!desktop) {
    throw new StudioError('unsupported', `${action} needs the desktop app (this studio runs without a desktop)`);
  }
  return desktop;
}

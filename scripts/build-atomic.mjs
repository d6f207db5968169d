// Builds one side of the app so that concurrent builds and running programs never see each other's work:
// one build at a time (a lock directory: mkdir is atomic), written into a staging folder, then renamed into place.
// A process that finds the lock waits for it, then re-checks freshness and usually has nothing left to do.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inputsFingerprint, isFresh, sides, stampFile } from './build-freshness.mjs';

const lockName = '.build-lock';
// Far longer than any build; past it the owner is presumed hung or on another machine sharing the folder.
const lockExpiryMs = 10 * 60_000;
const ownerlessExpiryMs = 10_000;
const waitStepMs = 100;

/**
 * Builds `side` with `build(outDir)` unless it is fresh (or `force`), and stamps the result.
 * @param {string} root @param {'main' | 'renderer' | 'tools'} side
 * @param {(outDir: string) => Promise<void> | void} build @param {{ force?: boolean }} options
 * @returns {Promise<boolean>} whether it built
 */
export async function buildAtomically(root, side, build, { force = false } = {}) {
  if (!force && isFresh(root, side)) return false;
  return withBuildLock(root, async () => {
    if (!force && isFresh(root, side)) return false;
    // Taken before building: a source edited during the build leaves the result stale, as it should.
    const fingerprint = inputsFingerprint(root, side);
    const { outDir } = sides[side];
    // Beside the output: the same file system (an atomic rename) and the same depth (source map paths stay right).
    const staging = mkdtempSync(path.join(root, `.${outDir}-staging-`));
    try {
      await build(staging);
      writeFileSync(path.join(staging, stampFile), fingerprint);
      swapIntoPlace(staging, path.join(root, outDir));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return true;
  });
}

/**
 * Two renames: a directory cannot replace a non-empty one in one step. Between them the output is missing, which
 * a launcher reads as stale: it then waits on the lock and finds the new build.
 */
function swapIntoPlace(staging, target) {
  const old = `${staging}-old`;
  try {
    renameSync(target, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

async function withBuildLock(root, work) {
  const lock = path.join(root, lockName);
  while (!tryLock(lock)) {
    if (isAbandoned(lock)) rmSync(lock, { recursive: true, force: true });
    else await sleep(waitStepMs);
  }
  try {
    // Staging folders left now belong to a build that died: nobody else can be building.
    clearLeftovers(root);
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(lock) {
  try {
    mkdirSync(lock);
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  }
  const owner = { pid: process.pid, host: os.hostname(), since: Date.now() };
  writeFileSync(path.join(lock, 'owner.json'), JSON.stringify(owner));
  return true;
}

/** A lock whose owner process is gone (same machine) or that is older than any build. */
function isAbandoned(lock) {
  let owner;
  try {
    owner = JSON.parse(readFileSync(path.join(lock, 'owner.json'), 'utf8'));
  } catch {
    // Just made (owner.json comes a moment after mkdir), gone meanwhile, or its owner died in between.
    return ageMs(lock) > ownerlessExpiryMs;
  }
  if (Date.now() - owner.since > lockExpiryMs) return true;
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

function ageMs(file) {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function clearLeftovers(root) {
  const leftover = Object.values(sides).map(({ outDir }) => `.${outDir}-staging-`);
  for (const name of readdirSync(root)) {
    if (leftover.some((prefix) => name.startsWith(prefix)))
      rmSync(path.join(root, name), { recursive: true, force: true });
  }
}

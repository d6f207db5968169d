// Test support: rows inserted straight into the database (no files), for tests of queries over many records.
import type { StudioDb } from '../database';
import type { NewGeneration } from '../records';
import { createStore } from '../store';

let counter = 0;

export function newRow(fields: Partial<NewGeneration> = {}): NewGeneration {
  counter++;
  return {
    created: Date.UTC(2026, 0, 1) + counter * 1000,
    source: 'studio',
    metadata: 'complete',
    path: `gallery/2026-01/row-${counter}.png`,
    thumb: `gallery/2026-01/row-${counter}.thumb.png`,
    fileHash: `file-${counter}`,
    pixelHash: `pixels-${counter}`,
    prompt: '',
    negative: '',
    seed: String(counter),
    batchIndex: 0,
    batchSize: 1,
    steps: 20,
    guidance: 7.5,
    scheduler: 'euler',
    width: 512,
    height: 512,
    modelName: 'tiny',
    modelHash: '0123456789',
    strength: null,
    initImage: null,
    parentId: null,
    provider: 'cpu',
    timings: null,
    concepts: [],
    ...fields,
  };
}

export function insertRows(db: StudioDb, rows: Partial<NewGeneration>[]): number[] {
  const store = createStore(db);
  return db.transaction(() => rows.map((r) => store.insert(newRow(r))))();
}

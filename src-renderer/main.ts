import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createApi } from './lib/api';
import { GalleryState, gallerySlot } from './lib/gallery-state.svelte';
import { GenerateState, generateSlot } from './lib/generate-state.svelte';
import { SketchState, sketchSlot } from './lib/sketch-state.svelte';
import { StudioState, studioSlot } from './lib/studio-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const studio = new StudioState(createApi());
const sketch = new SketchState();
const generate = new GenerateState(studio, sketch);
const gallery = new GalleryState(studio);
const context = new Map([
  studioSlot.entry(studio),
  sketchSlot.entry(sketch),
  generateSlot.entry(generate),
  gallerySlot.entry(gallery),
]);
mount(App, { target, context });
void studio.load().then(() => Promise.all([generate.start(), generate.loadLatest()]));

import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createApi } from './lib/api';
import { GenerateState, generateSlot } from './lib/generate-state.svelte';
import { LibraryState, librarySlot } from './lib/library-state.svelte';
import { SketchState, sketchSlot } from './lib/sketch-state.svelte';
import { StudioState, studioSlot } from './lib/studio-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const studio = new StudioState(createApi());
const sketch = new SketchState();
const generate = new GenerateState(studio, sketch);
const library = new LibraryState(studio, (settings) => (generate.preferredScheduler = settings.defaultScheduler));
const context = new Map([
  studioSlot.entry(studio),
  sketchSlot.entry(sketch),
  generateSlot.entry(generate),
  librarySlot.entry(library),
]);
mount(App, { target, context });
void Promise.all([studio.load(), library.loadSettings()]).then(() => generate.start());

import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createApi } from './lib/api';
import { ConceptsState, conceptsSlot } from './lib/concepts.svelte';
import { GalleryState, gallerySlot } from './lib/gallery-state.svelte';
import { GenerateState, generateSlot } from './lib/generate-state.svelte';
import { PngInfoState, pngInfoSlot } from './lib/png-info.svelte';
import { LibraryState, librarySlot } from './lib/library-state.svelte';
import { LorasState, lorasSlot } from './lib/loras.svelte';
import { SketchState, sketchSlot } from './lib/sketch-state.svelte';
import { StudioState, studioSlot } from './lib/studio-state.svelte';
import { windowFiles } from './lib/window-drop';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const studio = new StudioState(createApi());
const sketch = new SketchState(studio);
const generate = new GenerateState(studio, sketch);
// First: while the sketch is shown, a dropped or pasted picture is its base rather than a PNG to read.
windowFiles.register(sketch.fileHandler(() => generate.tab === 'sketch'));
const concepts = new ConceptsState(studio, generate);
const loras = new LorasState(studio, generate);
windowFiles.register(concepts.fileHandler());
const pngInfo = new PngInfoState(studio.api);
pngInfo.register(windowFiles);
const library = new LibraryState(studio, (settings) => (generate.preferredScheduler = settings.defaultScheduler));
const gallery = new GalleryState(studio);
const context = new Map([
  studioSlot.entry(studio),
  sketchSlot.entry(sketch),
  generateSlot.entry(generate),
  conceptsSlot.entry(concepts),
  lorasSlot.entry(loras),
  pngInfoSlot.entry(pngInfo),
  librarySlot.entry(library),
  gallerySlot.entry(gallery),
]);
mount(App, { target, context });
void Promise.all([studio.load(), library.loadSettings()]).then(() =>
  Promise.all([generate.start(), generate.loadLatest(), concepts.load(), loras.load(), sketch.load()]),
);

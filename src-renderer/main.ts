import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createApi } from './lib/api';
import { GenerateState, generateSlot } from './lib/generate-state.svelte';
import { SketchState, sketchSlot } from './lib/sketch-state.svelte';
import { StudioState, studioSlot } from './lib/studio-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const studio = new StudioState(createApi());
const sketch = new SketchState();
const generate = new GenerateState(studio, sketch);
const context = new Map([studioSlot.entry(studio), sketchSlot.entry(sketch), generateSlot.entry(generate)]);
mount(App, { target, context });
void studio.load().then(() => generate.start());

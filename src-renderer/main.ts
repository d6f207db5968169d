import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createApi } from './lib/api';
import { StudioState, provideStudio } from './lib/studio-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const state = new StudioState(createApi());
mount(App, { target, context: provideStudio(state) });
void state.load();

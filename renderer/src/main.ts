import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './shell/shell.css';

const app = createApp(App);
app.use(createPinia());
app.mount('#app');

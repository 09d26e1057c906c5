import { createApp } from 'vue';
import 'id-contact-auth';
import App from './App.vue';

createApp(App).mount('#app');

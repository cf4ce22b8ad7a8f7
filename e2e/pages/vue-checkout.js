// The Vue example of docs/integration.md, as a page: the element from npm, Vue told it is a
// custom element, its session bound and its events listened to in the template.
import { createApp } from 'vue';
import 'pay-checkout';

const app = createApp({
  data: () => ({ session: new URLSearchParams(location.search).get('session'), endpoint: window.PROXY_URL, status: '' }),
  template: `
    <pay-checkout :session="session" :endpoint="endpoint" @pay-complete="status = $event.detail.status"></pay-checkout>
    <p v-if="status" role="note">Order status: {{ status }}</p>`,
});
app.config.compilerOptions.isCustomElement = (tag) => tag === 'pay-checkout';
app.mount('#root');

// A plain Vite app: the package's ES entry defines <id-contact-auth>; the backend comes from ?backend=.
import 'id-contact-auth';

const backend = new URLSearchParams(location.search).get('backend') ?? '';
const auth = document.createElement('id-contact-auth');
auth.purpose = 'report_move';
auth.backend = backend;
auth.mode = 'popup';
auth.addEventListener('id-contact-authenticated', (event) => {
  document.querySelector('#verified')!.textContent = event.detail.attributes.bsn ?? '';
});
const verified = document.createElement('output');
verified.id = 'verified';
document.querySelector('#app')!.append(auth, verified);

// A React 19 app: JSX for both elements from id-contact-auth/react; the backend comes from ?backend=.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'id-contact-auth';
import 'id-contact-auth/agent';
import type {} from 'id-contact-auth/react';

const backend = new URLSearchParams(location.search).get('backend') ?? '';

function App() {
  const [bsn, setBsn] = useState('');
  return (
    <>
      <id-contact-auth
        purpose="report_move"
        backend={backend}
        mode="popup"
        strings={{ en: { intro: 'Log in to continue' } }}
        onid-contact-authenticated={(event) => setBsn(event.detail.attributes.bsn ?? '')}
      />
      <output id="verified">{bsn}</output>
      {/* The employee's element type-checks too; without a ticket it waits. */}
      <id-contact-agent backend={backend} hidden onid-contact-agent-error={(event) => console.warn(event.detail.code)} />
    </>
  );
}

createRoot(document.querySelector('#app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The React example of docs/integration.md, as a page: the element from npm, its session from the
// merchant's backend (here the query string), and its events through a ref.
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'pay-checkout';

function Checkout({ session }) {
  const ref = useRef(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    const element = ref.current;
    const onComplete = (event) => setStatus(event.detail.status);
    element.addEventListener('pay-complete', onComplete);
    return () => element.removeEventListener('pay-complete', onComplete);
  }, []);
  return (
    <>
      <pay-checkout ref={ref} session={session} endpoint={window.PROXY_URL}></pay-checkout>
      {status && <p role="note">Order status: {status}</p>}
    </>
  );
}

const params = new URLSearchParams(location.search);
createRoot(document.getElementById('root')).render(<Checkout session={params.get('session')} />);

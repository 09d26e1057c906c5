// The case system's stand-in. The BSN comes in the fragment (#bsn=…), which browsers never send
// to a server: it is shown here and goes nowhere else.
const bsn = new URLSearchParams(location.hash.slice(1)).get('bsn');
if (bsn && /^\d{8,9}$/.test(bsn)) document.getElementById('bsn').textContent = bsn;

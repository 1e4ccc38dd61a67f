// The certificate page's Print button (a static script: our CSP blocks inline onclick handlers).
document.getElementById('print-certificate')?.addEventListener('click', () => window.print());

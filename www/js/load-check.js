// A classic script, so it still runs when the panel's module graph cannot
// load (for example when pkg/ was not built). It then shows an error
// instead of leaving a sign-in button that never enables.
document.addEventListener('error', (event) => {
  if (event.target?.id !== 'panel-script') {
    return;
  }
  const show = () => {
    document.getElementById('error-text').textContent = 'The control panel could not load its scripts or the '
      + 'upcloud-storage package from /pkg/. Build the package with `make pkg` and reload the page.';
    document.getElementById('error').hidden = false;
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', show);
  } else {
    show();
  }
}, true);

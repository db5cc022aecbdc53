// The two live regions: a polite status line and an assertive error banner.

import { describeError } from './format.js';
import { renderText } from './text.js';

const status = document.getElementById('status');
const banner = document.getElementById('error');
const bannerText = document.getElementById('error-text');
let statusTimer = 0;

/** Shows a short message in the polite live region for a few seconds. */
export function announce(text) {
  clearTimeout(statusTimer);
  renderText(status, text);
  statusTimer = setTimeout(() => {
    status.textContent = '';
  }, 6000);
}

/** Shows a failed action's error in the alert banner, with UpCloud's code and status. */
export function showError(action, error) {
  renderText(bannerText, describeError(action, error));
  banner.hidden = false;
}

export function clearError() {
  banner.hidden = true;
  bannerText.textContent = '';
}

document.getElementById('error-dismiss').addEventListener('click', clearError);

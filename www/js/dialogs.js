// Modal <dialog> forms: open, run the action on submit, report failures inside
// the dialog, and hand focus back to whatever opened it.

import { describeError } from './format.js';
import { renderText } from './text.js';

/**
 * Opens `dialog` modally and resolves once it closes: with the value `submit`
 * resolved to, or `undefined` when the user cancelled.
 *
 * `submit(signal)` runs on each submit. While it runs, the submit button is
 * busy. A rejection keeps the dialog open and shows the error (with UpCloud's
 * code) inside it. Cancelling during a call aborts `signal`.
 * `failureText` starts the error sentence, e.g. "Could not create the storage".
 */
export function runDialog(dialog, { submit, failureText, returnFocusTo }) {
  const form = dialog.querySelector('form');
  const submitButton = form.querySelector('button[type=submit]');
  const errorText = ensureErrorRegion(form);
  const opener = returnFocusTo ?? document.activeElement;
  let controller = null;

  errorText.hidden = true;
  errorText.textContent = '';

  return new Promise((resolve) => {
    const finish = (value) => {
      controller?.abort();
      form.removeEventListener('submit', onSubmit);
      dialog.removeEventListener('cancel', onCancel);
      for (const button of form.querySelectorAll('[data-close]')) {
        button.removeEventListener('click', onCancel);
      }
      setBusy(submitButton, false);
      if (dialog.open) {
        dialog.close();
      }
      restoreFocus(opener);
      resolve(value);
    };

    const onCancel = (event) => {
      event.preventDefault();
      finish(undefined);
    };

    const onSubmit = async (event) => {
      event.preventDefault();
      if (controller) {
        return;
      }
      if (!form.reportValidity()) {
        return;
      }
      controller = new AbortController();
      setBusy(submitButton, true);
      errorText.hidden = true;
      try {
        const value = await submit(controller.signal);
        controller = null;
        finish(value);
      } catch (error) {
        const aborted = controller?.signal.aborted;
        controller = null;
        setBusy(submitButton, false);
        if (!aborted) {
          renderText(errorText, describeError(failureText, error));
          errorText.hidden = false;
        }
      }
    };

    form.addEventListener('submit', onSubmit);
    dialog.addEventListener('cancel', onCancel);
    for (const button of form.querySelectorAll('[data-close]')) {
      button.addEventListener('click', onCancel);
    }
    dialog.showModal();
  });
}

/** Marks a button as working on a request: disabled for clicks, busy for screen readers. */
export function setBusy(button, busy) {
  if (!button) {
    return;
  }
  button.disabled = busy;
  button.setAttribute('aria-busy', String(busy));
}

function ensureErrorRegion(form) {
  let region = form.querySelector('.dialog-error');
  if (!region) {
    region = document.createElement('p');
    region.className = 'dialog-error warning';
    region.setAttribute('role', 'alert');
    region.hidden = true;
    form.querySelector('.dialog-buttons').before(region);
  }
  return region;
}

// The opener may be gone or disabled by now, e.g. when the storage went
// busy and the details panel rebuilt its buttons.
function restoreFocus(element) {
  if (element?.isConnected && !element.disabled && typeof element.focus === 'function') {
    element.focus();
    return;
  }
  const details = document.getElementById('details');
  const fallback = details.hidden ? 'storages-title' : 'details-title';
  document.getElementById(fallback).focus();
}

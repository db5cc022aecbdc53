// The "Running operations" list: one entry per clone, backup, restore,
// template or import, each with a progress bar, figures and an optional
// cancel button. Entries stay after they end until dismissed, so the
// outcome can still be read.

import { renderText } from './text.js';

const section = document.getElementById('activity-section');
const list = document.getElementById('activity');
const clearButton = document.getElementById('activity-clear');

clearButton.addEventListener('click', () => {
  for (const item of list.querySelectorAll('li[data-outcome]')) {
    item.remove();
  }
  syncSection();
  document.getElementById(section.hidden ? 'storages-title' : 'activity-title').focus();
});

/**
 * Adds an entry and returns its handle. `cancelLabel` and `onCancel` add a
 * cancel button; `onCancel` may return a promise, during which the button is busy.
 */
export function addActivity({ title, cancelLabel, onCancel }) {
  const item = document.createElement('li');
  const head = document.createElement('div');
  const heading = document.createElement('strong');
  const bar = document.createElement('progress');
  const figures = document.createElement('p');
  const barId = `activity-${crypto.randomUUID()}`;

  head.className = 'activity-head';
  renderText(heading, title);
  heading.id = `${barId}-title`;
  bar.id = barId;
  bar.setAttribute('aria-labelledby', heading.id);
  bar.setAttribute('aria-describedby', `${barId}-figures`);
  figures.id = `${barId}-figures`;
  figures.className = 'activity-figures';
  head.append(heading);

  let cancelButton = null;
  if (onCancel) {
    cancelButton = document.createElement('button');
    cancelButton.type = 'button';
    cancelButton.textContent = cancelLabel ?? 'Cancel';
    cancelButton.setAttribute('aria-describedby', heading.id);
    cancelButton.addEventListener('click', async () => {
      cancelButton.disabled = true;
      cancelButton.setAttribute('aria-busy', 'true');
      try {
        await onCancel();
      } finally {
        cancelButton.setAttribute('aria-busy', 'false');
      }
    });
    head.append(cancelButton);
  }

  item.append(head, bar, figures);
  list.prepend(item);
  syncSection();

  return {
    /** Sets the bar (`value` of `max`; no `max` shows an indeterminate bar) and the figures text. */
    update({ value, max, text }) {
      if (Number.isFinite(max) && max > 0) {
        bar.max = max;
        bar.value = Math.min(value, max);
      } else {
        bar.removeAttribute('value');
      }
      renderText(figures, text);
    },

    /** Marks the entry ended (`done`, `failed` or `cancelled`) and swaps cancel for dismiss. */
    finish(outcome, text) {
      item.dataset.outcome = outcome;
      syncSection();
      renderText(figures, text);
      if (outcome === 'done') {
        bar.max = 1;
        bar.value = 1;
      } else {
        bar.hidden = true;
      }
      cancelButton?.remove();
      const dismiss = document.createElement('button');
      dismiss.type = 'button';
      dismiss.textContent = 'Dismiss';
      dismiss.setAttribute('aria-describedby', heading.id);
      dismiss.addEventListener('click', () => {
        const next = item.nextElementSibling ?? item.previousElementSibling;
        item.remove();
        syncSection();
        (next?.querySelector('button') ?? document.getElementById('storages-title')).focus();
      });
      head.append(dismiss);
    },

    get ended() {
      return item.dataset.outcome !== undefined;
    },
  };
}

/** Removes every entry, e.g. on sign-out. */
export function clearActivities() {
  list.replaceChildren();
  syncSection();
}

function syncSection() {
  section.hidden = list.children.length === 0;
  clearButton.hidden = !list.querySelector('li[data-outcome]');
}

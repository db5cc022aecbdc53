// The details panel of the selected storage: its fields and the buttons for
// what can be done with it. Buttons are rebuilt only when the set of
// actions changes, and a refresh of the fields puts keyboard focus back
// on the same control, so polling never pulls focus away.

import { describeBackupRule, formatTimestamp, tierName } from './format.js';
import { renderState } from './storage-table.js';

const section = document.getElementById('details');
const heading = document.getElementById('details-title');
const actionsBox = document.getElementById('details-actions');
const fields = document.getElementById('details-fields');
let actionsKey = '';

/**
 * Shows the details of `storage`.
 * `actions` are `[{ id, label, run, variant?, disabled? }]`;
 * `onRestore(backupUuid)` adds a restore button to each listed backup.
 */
export function renderDetails(storage, { titles, actions, onRestore }) {
  section.hidden = false;
  heading.dir = 'auto';
  heading.textContent = storage.title || '(untitled)';
  renderActions(actions);

  const focusKey = document.activeElement?.closest?.('#details-fields [data-focus-key]')?.dataset.focusKey;
  fields.replaceChildren();
  addField('UUID', storage.uuid);
  addField('Type', `${storage.type ?? '–'}, ${storage.access ?? '–'}`);
  addField('State', (dd) => renderState(dd, storage));
  addField('Zone', storage.zone ?? '– (public storages have no zone)');
  addField('Tier', tierName(storage.tier));
  addField('Size', `${storage.size} GiB`);
  addField('Encryption', describeEncryption(storage.encrypted));
  addField('Created', formatTimestamp(storage.created));
  if (storage.type === 'normal') {
    addField('Backup rule', describeBackupRule(storage.backupRule));
    addField('Backups', (dd) => renderBackups(dd, storage.backups, titles, onRestore));
  }
  if (storage.origin) {
    addField('Backup of', describeUuid(storage.origin, titles));
  }
  if (storage.servers != null) {
    addField('Servers', (dd) => renderList(dd, storage.servers, 'Not attached to a server'));
  }
  addField('Labels', (dd) => renderLabels(dd, storage.labels));
  if (storage.templateType) {
    addField('Template type', storage.templateType);
  }
  if (storage.license) {
    addField('License', `${storage.license} credits/hour`);
  }

  if (focusKey) {
    fields.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }
}

/** Shows the panel for a storage whose details are still loading. */
export function renderDetailsLoading(title) {
  section.hidden = false;
  heading.dir = 'auto';
  heading.textContent = title || '(untitled)';
  actionsBox.replaceChildren();
  actionsKey = '';
  fields.replaceChildren();
  addField('Details', 'Loading…');
}

/** Hides the panel. */
export function hideDetails() {
  section.hidden = true;
  actionsBox.replaceChildren();
  fields.replaceChildren();
  actionsKey = '';
}

/** Moves focus to the panel's heading, so screen readers start reading there. */
export function focusDetails() {
  heading.focus();
}

function renderActions(actions) {
  const key = actions.map((action) => `${action.id}:${Boolean(action.disabled)}`).join('|');
  if (key === actionsKey) {
    return;
  }
  const focusedId = document.activeElement?.closest?.('#details-actions button')?.dataset.action;
  actionsKey = key;
  actionsBox.replaceChildren();
  for (const action of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = action.id;
    button.textContent = action.label;
    button.disabled = Boolean(action.disabled);
    if (action.variant) {
      button.className = action.variant;
    }
    button.addEventListener('click', () => action.run(button));
    actionsBox.append(button);
  }
  if (focusedId) {
    const same = actionsBox.querySelector(`[data-action="${focusedId}"]`);
    (same && !same.disabled ? same : heading).focus();
  }
}

function addField(name, value) {
  const term = document.createElement('dt');
  const description = document.createElement('dd');
  term.textContent = name;
  // Values such as zones, titles and labels come from the API.
  description.dir = 'auto';
  if (typeof value === 'function') {
    value(description);
  } else {
    description.textContent = value;
  }
  fields.append(term, description);
}

function describeEncryption(encrypted) {
  if (encrypted === true) {
    return 'Encrypted at rest';
  }
  if (encrypted === false) {
    return 'Not encrypted';
  }
  return 'Not reported';
}

function describeUuid(uuid, titles) {
  const title = titles.get(uuid);
  return title ? `${title} (${uuid})` : uuid;
}

function renderBackups(dd, backups, titles, onRestore) {
  if (!backups || backups.length === 0) {
    dd.textContent = 'None';
    return;
  }
  const list = document.createElement('ul');
  for (const uuid of backups) {
    const item = document.createElement('li');
    item.dir = 'auto';
    item.textContent = describeUuid(uuid, titles);
    if (onRestore) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Restore';
      button.dataset.focusKey = `restore-${uuid}`;
      button.setAttribute('aria-label', `Restore backup ${titles.get(uuid) ?? uuid}`);
      button.addEventListener('click', () => onRestore(uuid, button));
      item.append(' ', button);
    }
    list.append(item);
  }
  dd.append(list);
}

function renderList(dd, values, emptyText) {
  if (!values || values.length === 0) {
    dd.textContent = emptyText;
    return;
  }
  const list = document.createElement('ul');
  for (const value of values) {
    const item = document.createElement('li');
    item.dir = 'auto';
    item.textContent = value;
    list.append(item);
  }
  dd.append(list);
}

function renderLabels(dd, labels) {
  if (!labels || labels.length === 0) {
    dd.textContent = 'None';
    return;
  }
  for (const { key, value } of labels) {
    const chip = document.createElement('span');
    chip.className = 'label-chip';
    chip.dir = 'auto';
    chip.textContent = value === '' ? key : `${key}=${value}`;
    dd.append(chip);
  }
}

// The storage table. Rows are kept per UUID and updated in place, so a poll
// every second neither moves keyboard focus nor makes a screen reader
// re-read the table.

import { tierName } from './format.js';

const tbody = document.getElementById('storage-rows');
const emptyNote = document.getElementById('list-empty');
const summary = document.getElementById('list-summary');
const rows = new Map();

const TYPE_NAMES = { normal: 'Disk', backup: 'Backup', template: 'Template', cdrom: 'CD-ROM' };

/** Renders `storages` in order, marking `selectedUuid`; `onSelect(uuid)` runs when a title is activated. */
export function renderStorageTable(storages, selectedUuid, onSelect) {
  const seen = new Set();
  storages.forEach((storage, index) => {
    seen.add(storage.uuid);
    let row = rows.get(storage.uuid);
    if (!row) {
      row = createRow(storage.uuid, onSelect);
      rows.set(storage.uuid, row);
    }
    updateRow(row, storage, storage.uuid === selectedUuid);
    if (tbody.children[index] !== row) {
      tbody.insertBefore(row, tbody.children[index] ?? null);
    }
  });

  for (const [uuid, row] of rows) {
    if (!seen.has(uuid)) {
      row.remove();
      rows.delete(uuid);
    }
  }

  emptyNote.hidden = storages.length > 0;
  const busy = storages.filter((storage) => storage.state !== 'online').length;
  summary.textContent = `${storages.length} storages` + (busy > 0 ? `, ${busy} not online` : '');
}

/** Empties the table, e.g. on sign-out. */
export function clearStorageTable() {
  tbody.replaceChildren();
  rows.clear();
}

/** Moves keyboard focus to the title button of a storage's row, when the row exists. */
export function focusRow(uuid) {
  rows.get(uuid)?.querySelector('button')?.focus();
}

function createRow(uuid, onSelect) {
  const row = document.createElement('tr');
  row.dataset.uuid = uuid;
  const columns = ['Title', 'Type', 'Zone', 'Tier', 'Size', 'State'];
  for (const name of columns) {
    const cell = document.createElement('td');
    cell.dataset.label = name;
    row.append(cell);
  }
  row.cells[4].className = 'numeric';

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link';
  button.dir = 'auto';
  button.setAttribute('aria-controls', 'details');
  button.addEventListener('click', () => onSelect(uuid));
  const uuidText = document.createElement('span');
  uuidText.className = 'uuid';
  uuidText.textContent = uuid;
  // One wrapper keeps title and UUID in one grid cell on narrow screens.
  const wrapper = document.createElement('div');
  wrapper.append(button, uuidText);
  row.cells[0].append(wrapper);
  return row;
}

function updateRow(row, storage, selected) {
  const [titleCell, typeCell, zoneCell, tierCell, sizeCell, stateCell] = row.cells;
  const button = titleCell.querySelector('button');
  setText(button, storage.title || '(untitled)');
  if (selected) {
    row.setAttribute('aria-current', 'true');
    button.setAttribute('aria-current', 'true');
  } else {
    row.removeAttribute('aria-current');
    button.removeAttribute('aria-current');
  }
  const access = storage.access === 'public' ? ' (public)' : '';
  setText(typeCell, (TYPE_NAMES[storage.type] ?? storage.type ?? '–') + access);
  setText(zoneCell, storage.zone ?? '–');
  setText(tierCell, tierName(storage.tier));
  setText(sizeCell, `${storage.size} GiB`);
  renderState(stateCell, storage);
}

/** Shows the state, with a progress bar while the API reports a percentage. */
export function renderState(cell, storage) {
  let badge = cell.querySelector('.state');
  if (!badge) {
    badge = document.createElement('span');
    badge.className = 'state';
    cell.append(badge);
  }
  badge.dataset.state = storage.state;
  const hasProgress = Number.isFinite(storage.progress) && storage.state !== 'online';
  setText(badge, hasProgress ? `${storage.state} ${storage.progress} %` : storage.state);

  let bar = cell.querySelector('progress');
  if (hasProgress) {
    if (!bar) {
      bar = document.createElement('progress');
      bar.className = 'state-progress';
      bar.max = 100;
      bar.setAttribute('aria-label', 'Operation progress');
      cell.append(bar);
    }
    bar.value = storage.progress;
  } else {
    bar?.remove();
  }
}

function setText(element, text) {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

// Entry point of the control panel: sign-in and sign-out, the filters, the
// selection, and which actions the details panel offers for a storage.

import * as api from './api.js';
import { clearActivities } from './activity.js';
import { app, endSession, isBusy, refresh, startSession } from './app.js';
import { setBusy } from './dialogs.js';
import { focusDetails, hideDetails, renderDetails, renderDetailsLoading } from './details.js';
import { buildBackupRuleFieldsets } from './forms.js';
import { openFileImport, openUrlImport, setUpFileImport } from './imports.js';
import { announce, clearError, showError } from './notify.js';
import {
  growFilesystem, openBackup, openClone, openCreate, openDelete, openEdit, openRestore, openTemplatize,
} from './operations.js';
import { clearStorageTable, focusRow, renderStorageTable } from './storage-table.js';
import { isolate } from './format.js';
import { renderText } from './text.js';

const byId = (id) => document.getElementById(id);

app.view.list = () => renderStorageTable(app.storages, app.selectedUuid, selectStorage);
app.view.details = showSelected;

buildBackupRuleFieldsets();
setUpFileImport();
setUpSignIn();
setUpPanel();

function setUpSignIn() {
  byId('base-url').value = new URL('/1.3', window.location.href).href;
  const usePassword = byId('auth-password');
  const syncAuthFields = () => {
    byId('password-fields').hidden = !usePassword.checked;
    byId('token-fields').hidden = usePassword.checked;
  };
  usePassword.addEventListener('change', syncAuthFields);
  byId('auth-token').addEventListener('change', syncAuthFields);
  syncAuthFields();

  byId('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const visibleInputs = usePassword.checked ? [byId('username'), byId('password')] : [byId('token')];
    for (const input of [...visibleInputs, byId('base-url')]) {
      if (!input.reportValidity()) {
        return;
      }
    }
    await signIn(usePassword.checked);
  });
  // Enabled only now: clicked earlier, the form would do nothing.
  byId('sign-in-submit').disabled = false;
}

// UpCloud's message for a rejected sign-in always speaks of a username and
// password, which misleads someone who signed in with a token.
function describeSignInFailure(error, usePassword) {
  if (error?.code !== 'AUTHENTICATION_FAILED' && error?.status !== 401) {
    return error;
  }
  const message = usePassword
    ? 'the API did not accept this username and password'
    : 'the API did not accept this API token; it may be mistyped, expired or revoked';
  return { code: error.code, status: error.status, message };
}

async function signIn(usePassword) {
  const button = byId('sign-in-submit');
  const username = byId('username').value;
  const credentials = usePassword
    ? { username, password: byId('password').value }
    : { token: byId('token').value };
  const baseUrl = byId('base-url').value;
  // From here on the secret lives only inside the manager.
  byId('password').value = '';
  byId('token').value = '';

  clearError();
  setBusy(button, true);
  const session = new AbortController();
  try {
    const manager = await api.signIn(credentials, baseUrl, session.signal);
    startSession(manager, session);
  } catch (error) {
    showError('Could not sign in', describeSignInFailure(error, usePassword));
    (usePassword ? byId('password') : byId('token')).focus();
    return;
  } finally {
    setBusy(button, false);
  }

  byId('sign-in').hidden = true;
  byId('panel').hidden = false;
  byId('sign-out').hidden = false;
  byId('account').hidden = false;
  renderText(byId('account'), usePassword
    ? `${isolate(username)} · ${isolate(baseUrl)}`
    : `API token · ${isolate(baseUrl)}`);
  byId('username').value = '';
  announce('Signed in.');
  byId('storages-title').focus();
  await refresh();
}

function signOut() {
  endSession();
  clearActivities();
  clearStorageTable();
  hideDetails();
  clearError();
  byId('panel').hidden = true;
  byId('sign-out').hidden = true;
  byId('account').hidden = true;
  byId('account').textContent = '';
  byId('sign-in').hidden = false;
  announce('Signed out. The credentials were forgotten.');
  byId('username').focus();
}

function setUpPanel() {
  byId('sign-out').addEventListener('click', signOut);
  byId('create-open').addEventListener('click', () => openCreate(selectStorage));
  byId('refresh').addEventListener('click', async () => {
    const button = byId('refresh');
    setBusy(button, true);
    const loaded = await refresh();
    setBusy(button, false);
    button.focus();
    if (loaded) {
      announce('Storages refreshed.');
    }
  });
  byId('filters').addEventListener('submit', async (event) => {
    event.preventDefault();
    app.filter = byId('filter-type').value;
    app.labels = byId('filter-labels').value.split(/\s+/).filter(Boolean);
    if (await refresh()) {
      announce(`Showing ${app.storages.length} storages.`);
    }
  });
  byId('filter-type').addEventListener('change', () => byId('filters').requestSubmit());
  byId('details-close').addEventListener('click', () => {
    const uuid = app.selectedUuid;
    deselect();
    focusRow(uuid);
  });
}

/** Selects a storage: shows the panel at once, then its full details. */
async function selectStorage(uuid) {
  app.selectedUuid = uuid;
  app.selected = null;
  app.view.list();
  renderDetailsLoading(app.titles.get(uuid));
  focusDetails();
  await refresh();
}

function deselect() {
  app.selectedUuid = null;
  app.selected = null;
  hideDetails();
  app.view.list();
}

function showSelected() {
  const storage = app.selected;
  if (!storage) {
    if (app.selectedUuid) {
      announce('The selected storage no longer exists.');
      deselect();
    }
    return;
  }
  renderDetails(storage, {
    titles: app.titles,
    actions: actionsFor(storage),
    onRestore: storage.type === 'normal' ? (backupUuid) => openRestore(backupUuid) : null,
  });
}

/**
 * Returns the operations the API allows on this kind of storage, disabled while it is busy.
 * The buttons outlive later refreshes, so each one acts on the storage's latest details.
 */
function actionsFor(storage) {
  const busy = isBusy(storage);
  const isPrivate = storage.access !== 'public';
  const latest = () => (app.selected?.uuid === storage.uuid ? app.selected : storage);
  const actions = [];
  const add = (id, label, run, variant) => actions.push({ id, label, run, variant, disabled: busy });

  if (isPrivate) {
    add('edit', 'Edit', () => openEdit(latest()));
  }
  if (storage.type !== 'cdrom') {
    add('clone', 'Clone', () => openClone(latest()));
  }
  if (storage.type === 'normal' && isPrivate) {
    add('backup', 'Back up now', () => openBackup(latest()));
    add('templatize', 'Make template', () => openTemplatize(latest()));
    add('import-url', 'Import from URL', () => openUrlImport(latest()));
    add('import-file', 'Import from file', () => openFileImport(latest()));
    add('grow', 'Grow filesystem', (button) => growFilesystem(latest(), button));
  }
  if (storage.type === 'backup') {
    add('restore', 'Restore', () => openRestore(storage.uuid), 'primary');
  }
  if (isPrivate) {
    add('delete', 'Delete', () => openDelete(latest(), onDeleted), 'danger');
  }
  return actions;
}

function onDeleted(uuid) {
  if (app.selectedUuid === uuid) {
    deselect();
  }
}

// Dialogs for the operations on a storage (create, edit, delete, clone,
// backup, restore, templatize, filesystem growth) and the "Running
// operations" entries that follow the slow ones to the end.

import * as api from './api.js';
import { addActivity } from './activity.js';
import { app, isBusy, refresh, watchStorage } from './app.js';
import { runDialog, setBusy } from './dialogs.js';
import {
  formatLabels, isSystemLabel, parseLabels, readBackupRule, sameLabels, writeBackupRule,
} from './forms.js';
import { announce, showError } from './notify.js';
import { isolate } from './format.js';
import { renderText } from './text.js';

const byId = (id) => document.getElementById(id);
const TIERS = ['maxiops', 'standard', 'hdd'];

/** Opens the create dialog; on success selects the new storage. */
export async function openCreate(select) {
  const fieldset = document.querySelector('#create-form fieldset.backup-rule');
  byId('create-form').reset();
  writeBackupRule(fieldset, null);
  byId('create-zone').value = app.storages.find((storage) => storage.zone)?.zone ?? 'fi-hel1';

  const created = await runDialog(byId('create-dialog'), {
    failureText: 'Could not create the storage',
    submit: (signal) => {
      const settings = {
        title: byId('create-title-input').value,
        zone: byId('create-zone').value.trim(),
        size: Number(byId('create-size').value),
        tier: byId('create-tier').value,
        encrypted: byId('create-encrypted').checked,
      };
      const rule = readBackupRule(fieldset);
      if (rule) {
        settings.backupRule = rule;
      }
      const labels = parseLabels(byId('create-labels').value);
      if (labels.length > 0) {
        settings.labels = labels;
      }
      return api.createStorage(app.manager, settings, signal);
    },
  });
  if (created) {
    announce(`Created storage "${isolate(created.title)}".`);
    await refresh();
    select(created.uuid);
  }
}

/** Opens the edit dialog for title, size, backup rule and labels; sends only what changed. */
export async function openEdit(storage) {
  const fieldset = document.querySelector('#edit-form fieldset.backup-rule');
  const isDisk = storage.type === 'normal';
  const userLabels = (storage.labels ?? []).filter((label) => !isSystemLabel(label));
  byId('edit-title-input').value = storage.title ?? '';
  byId('edit-size').value = String(storage.size);
  byId('edit-size').min = String(storage.size);
  byId('edit-labels').value = formatLabels(userLabels);
  writeBackupRule(fieldset, storage.backupRule);
  // Only disks have a size that can grow and a backup rule.
  byId('edit-size').hidden = !isDisk;
  byId('edit-size').disabled = !isDisk;
  document.querySelector('label[for=edit-size]').hidden = !isDisk;
  byId('edit-size-hint').hidden = !isDisk;
  fieldset.hidden = !isDisk;

  const result = await runDialog(byId('edit-dialog'), {
    failureText: `Could not change "${isolate(storage.title)}"`,
    submit: (signal) => {
      const changes = {};
      const title = byId('edit-title-input').value;
      if (title !== storage.title) {
        changes.title = title;
      }
      if (isDisk) {
        const size = Number(byId('edit-size').value);
        if (size !== storage.size) {
          changes.size = size;
        }
        const rule = readBackupRule(fieldset);
        if (JSON.stringify(rule) !== JSON.stringify(normaliseRule(storage.backupRule))) {
          // An empty object is how the API removes a rule.
          changes.backupRule = rule ?? {};
        }
      }
      const labels = parseLabels(byId('edit-labels').value);
      if (!sameLabels(labels, userLabels)) {
        changes.labels = labels;
      }
      if (Object.keys(changes).length === 0) {
        return Promise.resolve('unchanged');
      }
      return api.modifyStorage(app.manager, storage.uuid, changes, signal);
    },
  });
  if (result === 'unchanged') {
    announce('Nothing was changed.');
  } else if (result) {
    announce(`Saved "${isolate(result.title)}".`);
    await refresh();
  }
}

/** Asks for confirmation, naming the storage and the backups policy, then deletes it. */
export async function openDelete(storage, onDeleted) {
  const isDisk = storage.type === 'normal';
  const backups = storage.backups?.length ?? 0;
  const where = storage.zone ? ` in ${isolate(storage.zone)}` : '';
  let text = `Delete ${storage.type === 'normal' ? 'storage' : storage.type} "${isolate(storage.title)}" `
    + `(${storage.size} GiB${where}, ${storage.uuid})?`;
  if (isDisk) {
    text += backups === 0
      ? ' It has no backups.'
      : ` It has ${backups === 1 ? '1 backup; choose what happens to it.' : `${backups} backups; choose what happens to them.`}`;
  }
  renderText(byId('delete-text'), text);
  byId('delete-policy').hidden = !isDisk;
  byId('delete-form').querySelector('input[value=keep]').checked = true;
  renderText(byId('delete-confirm'), `Delete "${isolate(storage.title)}"`);

  const deleted = await runDialog(byId('delete-dialog'), {
    failureText: `Could not delete "${isolate(storage.title)}"`,
    submit: async (signal) => {
      const policy = isDisk ? byId('delete-form').querySelector('input[name=delete-backups]:checked').value : null;
      await api.deleteStorage(app.manager, storage.uuid, policy, signal);
      return { policy };
    },
    returnFocusTo: byId('storages-title'),
  });
  if (deleted) {
    const policyText = { keep: ', backups kept', keep_latest: ', latest backup kept', delete: ' with its backups' };
    announce(`Deleted "${isolate(storage.title)}"${policyText[deleted.policy] ?? ''}.`);
    onDeleted(storage.uuid);
    await refresh();
  }
}

/** Clones a storage and follows the copy, with a button that cancels the clone while it runs. */
export async function openClone(storage) {
  byId('clone-form').reset();
  renderText(byId('clone-text'), `Copies "${isolate(storage.title)}" (${storage.size} GiB) into a new storage.`);
  byId('clone-title-input').value = `${storage.title} (copy)`;
  byId('clone-zone').value = storage.zone ?? app.storages.find((item) => item.zone)?.zone ?? 'fi-hel1';
  byId('clone-tier').value = TIERS.includes(storage.tier) ? storage.tier : 'maxiops';

  const clone = await runDialog(byId('clone-dialog'), {
    failureText: `Could not clone "${isolate(storage.title)}"`,
    submit: (signal) => {
      const settings = {
        title: byId('clone-title-input').value,
        zone: byId('clone-zone').value.trim(),
        tier: byId('clone-tier').value,
      };
      if (byId('clone-encrypted').checked) {
        settings.encrypted = true;
      }
      return api.cloneStorage(app.manager, storage.uuid, settings, signal);
    },
  });
  if (!clone) {
    return;
  }
  announce(`Cloning "${isolate(storage.title)}" into "${isolate(clone.title)}".`);
  let cancelled = false;
  const activity = addActivity({
    title: `Clone of "${isolate(storage.title)}" → "${isolate(clone.title)}"`,
    cancelLabel: 'Cancel clone',
    onCancel: async () => {
      try {
        await api.cancelClone(app.manager, clone.uuid, app.session.signal);
        cancelled = true;
        activity.finish('cancelled', 'Clone cancelled; the incomplete copy was deleted.');
        announce(`Clone "${isolate(clone.title)}" cancelled.`);
        await refresh();
      } catch (error) {
        showError(`Could not cancel the clone "${isolate(clone.title)}"`, error);
      }
    },
  });
  followOperation(clone, activity, {
    doneText: `"${isolate(clone.title)}" is online.`,
    goneText: 'The copy no longer exists.',
    isCancelled: () => cancelled,
  });
  await refresh();
}

/** Takes a backup now and follows it until it is online. */
export async function openBackup(storage) {
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const backup = await askTitle({
    heading: `Back up "${isolate(storage.title)}"`,
    text: 'Takes a backup of the storage as it is now.',
    title: `${storage.title} backup ${stamp}`,
    submitLabel: 'Back up now',
    failureText: `Could not back up "${isolate(storage.title)}"`,
    run: (title, signal) => api.createBackup(app.manager, storage.uuid, title, signal),
  });
  if (!backup) {
    return;
  }
  announce(`Backing up "${isolate(storage.title)}".`);
  const activity = addActivity({ title: `Backup "${isolate(backup.title)}" of "${isolate(storage.title)}"` });
  followOperation(backup, activity, { doneText: 'Backup complete.', goneText: 'The backup no longer exists.' });
  await refresh();
}

/** Makes a private template from a storage and follows it until it is online. */
export async function openTemplatize(storage) {
  const template = await askTitle({
    heading: `Make a template of "${isolate(storage.title)}"`,
    text: 'Copies the storage into a private template that new servers can be created from.',
    title: `${storage.title} template`,
    submitLabel: 'Create template',
    failureText: `Could not make a template of "${isolate(storage.title)}"`,
    run: (title, signal) => api.templatize(app.manager, storage.uuid, title, signal),
  });
  if (!template) {
    return;
  }
  announce(`Making template "${isolate(template.title)}".`);
  const activity = addActivity({ title: `Template "${isolate(template.title)}" from "${isolate(storage.title)}"` });
  followOperation(template, activity, { doneText: 'Template ready.', goneText: 'The template no longer exists.' });
  await refresh();
}

/** Asks for confirmation, then restores a backup onto the storage it was taken from. */
export async function openRestore(backupUuid) {
  const backup = backupUuid === app.selected?.uuid
    ? app.selected
    : await api.getStorage(app.manager, backupUuid, app.session.signal).catch((error) => {
      showError('Could not load the backup', error);
      return null;
    });
  if (!backup) {
    return;
  }
  const originTitle = app.titles.get(backup.origin) ?? backup.origin ?? 'its origin storage';
  renderText(byId('restore-text'), `Restore backup "${isolate(backup.title)}" (${backup.uuid}`
    + `${backup.created ? `, taken ${backup.created}` : ''}) onto "${isolate(originTitle)}"?`);
  renderText(byId('restore-confirm'), `Restore onto "${isolate(originTitle)}"`);

  const restored = await runDialog(byId('restore-dialog'), {
    failureText: `Could not restore "${isolate(backup.title)}"`,
    submit: async (signal) => {
      await api.restoreBackup(app.manager, backup.uuid, signal);
      return true;
    },
  });
  if (!restored) {
    return;
  }
  announce(`Restoring "${isolate(originTitle)}" from "${isolate(backup.title)}".`);
  if (backup.origin) {
    const activity = addActivity({ title: `Restore of "${isolate(originTitle)}" from "${isolate(backup.title)}"` });
    followOperation({ uuid: backup.origin, state: 'maintenance' }, activity, {
      doneText: 'Restore complete.',
      goneText: 'The storage no longer exists.',
    });
  }
  await refresh();
}

/** Grows the last partition and its filesystem to the disk's size (UpCloud keeps a backup first). */
export async function growFilesystem(storage, button) {
  setBusy(button, true);
  try {
    const backup = await api.resizeFilesystem(app.manager, storage.uuid, app.session.signal);
    announce(`Grew the filesystem of "${isolate(storage.title)}"; UpCloud kept backup "${isolate(backup?.title ?? 'Resize Backup')}".`);
    await refresh();
  } catch (error) {
    if (!app.session?.signal.aborted) {
      showError(`Could not grow the filesystem of "${isolate(storage.title)}"`, error);
    }
  } finally {
    setBusy(button, false);
  }
}

/**
 * Updates `activity` from every refresh of `storage` until it is online,
 * failed, cancelled or gone. A storage that was busy when the operation
 * started must be seen busy once before "online" counts as the end, because
 * a restore's origin may still report online right after the request.
 */
function followOperation(storage, activity, { doneText, goneText, isCancelled = () => false }) {
  let seenBusy = isBusy(storage);
  let polls = 0;
  const title = storage.title;
  watchStorage(storage.uuid, (latest) => {
    polls += 1;
    if (activity.ended || isCancelled()) {
      return true;
    }
    if (!latest) {
      activity.finish('cancelled', goneText);
      return true;
    }
    if (latest.state === 'error') {
      activity.finish('failed', `"${isolate(latest.title)}" is in state error.`);
      showError(`Operation on "${isolate(latest.title)}" failed`, { message: 'the storage is in state error' });
      return true;
    }
    if (isBusy(latest)) {
      seenBusy = true;
    }
    if (latest.state === 'online' && (seenBusy || polls >= 3)) {
      activity.finish('done', doneText);
      announce(`${title ?? isolate(latest.title)}: ${doneText}`);
      return true;
    }
    const progress = Number.isFinite(latest.progress) ? latest.progress : Number.NaN;
    activity.update({
      value: progress,
      max: Number.isFinite(progress) ? 100 : Number.NaN,
      text: Number.isFinite(progress)
        ? `${latest.state}, ${progress} % of ${latest.size} GiB`
        : `${latest.state}…`,
    });
    return false;
  });
}

/** Opens the title dialog shared by backup and templatize; resolves to what `run` resolved to. */
function askTitle({ heading, text, title, submitLabel, failureText, run }) {
  renderText(byId('title-dialog-title'), heading);
  renderText(byId('title-dialog-text'), text);
  byId('title-dialog-input').value = title;
  renderText(byId('title-dialog-submit'), submitLabel);
  return runDialog(byId('title-dialog'), {
    failureText,
    submit: (signal) => run(byId('title-dialog-input').value, signal),
  });
}

function normaliseRule(rule) {
  if (!rule || !rule.interval) {
    return null;
  }
  return { interval: rule.interval, time: rule.time, retention: Number(rule.retention) };
}

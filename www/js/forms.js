// Form fields shared by several dialogs: the backup-rule fieldset and the
// labels textarea. Values are checked by the package, which names the field
// in its VALIDATION_ERROR; these helpers only convert between form and API shapes.

/** Fills every `fieldset.backup-rule` from the template, with ids prefixed by its `data-prefix`. */
export function buildBackupRuleFieldsets() {
  const template = document.getElementById('backup-rule-template');
  for (const fieldset of document.querySelectorAll('fieldset.backup-rule')) {
    const prefix = fieldset.dataset.prefix;
    fieldset.append(template.content.cloneNode(true));
    for (const control of fieldset.querySelectorAll('[data-field]')) {
      control.id = `${prefix}-backup-${control.dataset.field}`;
    }
    for (const label of fieldset.querySelectorAll('label[data-for]')) {
      label.htmlFor = `${prefix}-backup-${label.dataset.for}`;
    }
    const enabled = field(fieldset, 'enabled');
    enabled.addEventListener('change', () => syncBackupRuleControls(fieldset));
    syncBackupRuleControls(fieldset);
  }
}

/** Sets the fieldset from a storage's `backupRule` (`null` or `{}` means no rule). */
export function writeBackupRule(fieldset, rule) {
  const hasRule = Boolean(rule && rule.interval);
  field(fieldset, 'enabled').checked = hasRule;
  if (hasRule) {
    field(fieldset, 'interval').value = rule.interval;
    field(fieldset, 'time').value = /^\d{4}$/.test(rule.time) ? `${rule.time.slice(0, 2)}:${rule.time.slice(2)}` : '04:30';
    field(fieldset, 'retention').value = String(rule.retention);
  }
  syncBackupRuleControls(fieldset);
}

/**
 * Returns the fieldset's rule as the package takes it, `{ interval, time: 'HHMM', retention }`,
 * or `null` when scheduled backups are off.
 */
export function readBackupRule(fieldset) {
  if (!field(fieldset, 'enabled').checked) {
    return null;
  }
  return {
    interval: field(fieldset, 'interval').value,
    time: field(fieldset, 'time').value.replace(':', ''),
    retention: Number(field(fieldset, 'retention').value),
  };
}

/**
 * Parses one `key=value` (or bare `key`) a line into `[{ key, value }]`.
 * Blank lines are skipped; the package rejects invalid keys, naming them.
 */
export function parseLabels(text) {
  const labels = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') {
      continue;
    }
    const separator = trimmed.indexOf('=');
    if (separator === -1) {
      labels.push({ key: trimmed, value: '' });
    } else {
      labels.push({ key: trimmed.slice(0, separator).trim(), value: trimmed.slice(separator + 1).trim() });
    }
  }
  return labels;
}

/** Formats labels one `key=value` a line, the inverse of `parseLabels`. */
export function formatLabels(labels) {
  return (labels ?? []).map(({ key, value }) => `${key}=${value}`).join('\n');
}

/** Returns whether a label is a system label, which UpCloud sets and users cannot change. */
export function isSystemLabel(label) {
  return label.key.startsWith('_');
}

/** Returns whether two label lists contain the same pairs in the same order. */
export function sameLabels(a, b) {
  const pairs = (labels) => (labels ?? []).map(({ key, value }) => [key, value]);
  return JSON.stringify(pairs(a)) === JSON.stringify(pairs(b));
}

function field(fieldset, name) {
  return fieldset.querySelector(`[data-field=${name}]`);
}

function syncBackupRuleControls(fieldset) {
  const settings = fieldset.querySelector('[data-field=settings]');
  settings.hidden = !field(fieldset, 'enabled').checked;
}

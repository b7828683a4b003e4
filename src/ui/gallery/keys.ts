// Page-wide shortcuts of the gallery must not steal keys from controls that use them (text fields,
// selects, the zoomable image view, which pans with the arrow keys).
export function isForOwnShortcuts(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return false;
  const target = event.target instanceof Element ? event.target : null;
  return !target?.closest('input, select, textarea, [role="application"], [contenteditable="true"]');
}

'use client';
// A native <dialog> shown modally while `open` is true (focus moves in and is kept there; Escape closes it
// through its onClose). Returns the ref to put on the <dialog>.
import { useEffect, useRef } from 'react';

export function useModalDialog(open: boolean) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return dialog;
}

// The studio's modal dialogs (<dialog> shown with showModal): open on mount, and on unmount closed with the
// focus given back to where it was before. React removes the element from the page before an effect's cleanup
// runs, and a <dialog> removed while open never restores the focus itself: a keyboard user would be left at the
// top of the page, far from the link or the output that opened the dialog.
import { useEffect, type RefObject } from "react";

export function useModalDialog(dialog: RefObject<HTMLDialogElement | null>): void {
  useEffect(() => {
    const node = dialog.current;
    const previous = node?.ownerDocument.activeElement;
    if (node && !node.open) node.showModal();
    return () => {
      node?.close();
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus({ preventScroll: true });
    };
  }, [dialog]);
}

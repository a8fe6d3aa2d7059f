//! Focus handling every modal surface shares (the dialog, the drawer): focus moves in and stays
//! there (Tab wraps), Escape closes, the page behind does not scroll, and focus returns to where
//! it was when the surface closes.
import { useEffect, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/// Where focus goes on opening: an element of the caller's, the first focusable one, or the
/// panel itself (so a screen reader starts at its title).
export type InitialFocus = RefObject<HTMLElement | null> | 'first' | 'panel';

export function useModalFocus(
  open: boolean,
  panelRef: RefObject<HTMLElement | null>,
  onCloseRef: RefObject<() => void>,
  initialFocus: InitialFocus,
) {
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const panel = panelRef.current;
    const focusables = () => (panel ? Array.from(panel.querySelectorAll<HTMLElement>(FOCUSABLE)) : []);
    const target =
      initialFocus === 'panel'
        ? panel
        : ((initialFocus === 'first' ? null : initialFocus.current) ?? focusables()[0] ?? panel);
    target?.focus();

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
      } else if (event.key === 'Tab') {
        const items = focusables();
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) {
          event.preventDefault();
          return;
        }
        if (event.shiftKey && (document.activeElement === first || document.activeElement === panel)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', onKeyDown);
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.body.style.overflow = overflow;
      previous?.focus();
    };
  }, [open, panelRef, onCloseRef, initialFocus]);
}

import { type JSX, type ReactNode, useEffect, useRef } from 'react';

interface Props {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly wide?: boolean;
}

/**
 * A dialog over the queue. Esc closes it; keys pressed inside stay inside (the queue's shortcuts
 * do not fire while it is open); focus goes to its first field and back when it closes.
 */
export function Modal({ title, onClose, children, wide }: Props): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first = box.current?.querySelector<HTMLElement>(
      'input, textarea, select, button, [tabindex="0"]',
    );
    (first ?? box.current)?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div className="modal" role="presentation" onMouseDown={onClose}>
      <div
        className={`modal__box${wide ? ' modal__box--wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={box}
        tabIndex={-1}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
          e.stopPropagation();
        }}
      >
        <h2 className="modal__title">{title}</h2>
        {children}
      </div>
    </div>
  );
}

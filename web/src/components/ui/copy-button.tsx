//! Copies a value to the clipboard and says so.
import { useEffect, useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { Button } from './button';

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle');

  useEffect(() => {
    if (state !== 'copied') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      // The Clipboard API needs a secure context (HTTPS or localhost).
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        onClick={copy}
        icon={state === 'copied' ? <Check aria-hidden className="size-4 text-emerald-600" /> : <Copy aria-hidden className="size-4" />}
      >
        {state === 'copied' ? 'Copied' : label}
      </Button>
      <span aria-live="polite" className="text-xs text-zinc-500">
        {state === 'failed' ? 'Copy failed; select the text and copy it by hand.' : ''}
      </span>
    </span>
  );
}

//! The error state of a query: what went wrong and a way to try again.
import { RefreshCw } from 'lucide-react';
import { errorMessage } from '@/lib/api-client';
import { Alert } from './alert';
import { Button } from './button';

type ErrorStateProps = {
  error: unknown;
  title?: string;
  onRetry?: () => void;
};

export function ErrorState({ error, title = 'Could not load this', onRetry }: ErrorStateProps) {
  return (
    <Alert
      tone="error"
      title={title}
      action={
        onRetry ? (
          <Button variant="secondary" size="sm" icon={<RefreshCw aria-hidden className="size-3.5" />} onClick={onRetry}>
            Retry
          </Button>
        ) : null
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}

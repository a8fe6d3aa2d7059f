//! The templates one can deploy; the sandbox (offline, no cloud account) is labelled as such.
import { Link } from 'react-router';
import { FlaskConical } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { providerLabel } from '@/lib/providers';
import { useTemplates } from '../api/deployments';

export function TemplateGallery({ newHref, canCreate }: { newHref: (templateId: string) => string; canCreate: boolean }) {
  const templates = useTemplates();
  if (templates.isPending) return <LoadingBlock label="Loading templates" />;
  if (templates.isError)
    return <ErrorState title="Could not load templates" error={templates.error} onRetry={() => templates.refetch()} />;
  return (
    <ul aria-label="Templates" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {templates.data.items.map((t) => (
        <li
          key={t.id}
          className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
          aria-label={t.title}
        >
          <div className="flex items-start justify-between gap-2">
            <h3 className="text-sm font-semibold text-zinc-900">{t.title}</h3>
            {t.sandbox ? (
              <Badge tone="accent">
                <FlaskConical aria-hidden className="mr-1 inline size-3" />
                Sandbox · no cloud account
              </Badge>
            ) : (
              <Badge>{providerLabel(t.provider)}</Badge>
            )}
          </div>
          <p className="flex-1 text-sm text-zinc-600">{t.description}</p>
          {canCreate ? (
            <Link
              to={newHref(t.id)}
              className="self-start text-sm font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-accent-600"
              aria-label={`Deploy ${t.title}`}
            >
              Deploy →
            </Link>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

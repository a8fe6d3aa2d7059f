//! Picks the current organisation; the choice lives in the URL (`/orgs/:orgId/...`).
import { Plus } from 'lucide-react';
import { ROLE_LABELS, type Role } from '@/lib/api-common';
import { controlClass } from '@/components/ui/field';
import { cn } from '@/lib/cn';

type OrgSwitcherProps = {
  organizations: Array<{ id: string; name: string; role: Role }>;
  currentOrgId: string;
  onSelect: (orgId: string) => void;
  onCreate: () => void;
};

export function OrgSwitcher({ organizations, currentOrgId, onSelect, onCreate }: OrgSwitcherProps) {
  const current = organizations.find((org) => org.id === currentOrgId);
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor="org-switcher" className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
        Organisation
      </label>
      <div className="flex gap-1.5">
        {/* A native select: keyboard, screen reader and phone support come for free. */}
        <select
          id="org-switcher"
          value={currentOrgId}
          onChange={(event) => onSelect(event.target.value)}
          className={cn(controlClass(false), 'h-9 min-w-0 flex-1 truncate pr-8')}
        >
          {current ? null : <option value={currentOrgId}>Unknown organisation</option>}
          {organizations.map((org) => (
            <option key={org.id} value={org.id}>
              {org.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={onCreate}
          title="New organisation"
          className="inline-flex size-9 shrink-0 items-center justify-center rounded-md border border-zinc-300 bg-white text-zinc-600 shadow-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          <Plus aria-hidden className="size-4" />
          <span className="sr-only">New organisation</span>
        </button>
      </div>
      {current ? <p className="text-xs text-zinc-500">Your role: {ROLE_LABELS[current.role]}</p> : null}
    </div>
  );
}

//! The inventory: filters kept in the URL's query string, a sortable table a page at a time,
//! and a drawer with the selected resource (`?resource=<id>`, so it can be linked to).
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { ArrowDown, ArrowUp, ArrowUpDown, Boxes } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock, Spinner } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { isApiError } from '@/lib/api-client';
import { providerLabel, resourceStateLabel, resourceStateTone, resourceTypeLabel } from '@/lib/providers';
import {
  FILTER_KEYS,
  filtersFromSearchParams,
  useInventory,
  type InventoryFilters,
  type InventorySort,
  type Resource,
} from '../api/get-inventory';
import { InventoryFiltersForm } from './inventory-filters';
import { ResourceDrawer } from './resource-drawer';

export function InventoryBrowser({ orgId }: { orgId: string }) {
  const [params, setParams] = useSearchParams();
  const paramsKey = params.toString();
  // Keyed on the query string's text, so the filters (and the query key) stay the same object.
  const filters = useMemo(() => filtersFromSearchParams(new URLSearchParams(paramsKey)), [paramsKey]);
  const selectedId = params.get('resource');
  const inventory = useInventory(orgId, filters);

  const setFilters = (next: InventoryFilters) => {
    const updated = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = next[key].trim();
      if (value) updated.set(key, value);
    }
    if (next.sort !== 'type') updated.set('sort', next.sort);
    setParams(updated);
  };

  const selectResource = (id: string | null) => {
    const updated = new URLSearchParams(params);
    if (id) updated.set('resource', id);
    else updated.delete('resource');
    setParams(updated);
  };

  const invalidQuery = isApiError(inventory.error) && inventory.error.code === 'invalid_query' ? inventory.error : null;
  const filterErrors: Record<string, string> = {};
  for (const fieldError of invalidQuery?.fieldErrors ?? []) filterErrors[fieldError.field] = fieldError.message;

  const items = inventory.data?.pages.flatMap((page) => page.items) ?? [];
  const selectedFromList = items.find((item) => item.id === selectedId);

  return (
    <div className="flex flex-col gap-6">
      <InventoryFiltersForm filters={filters} onChange={setFilters} errors={filterErrors} />
      {invalidQuery ? (
        <Alert title="Some filters are not valid">
          <p>{invalidQuery.detail}</p>
          {invalidQuery.fieldErrors.length > 0 ? (
            <ul className="mt-1 list-disc pl-5">
              {invalidQuery.fieldErrors.map((fieldError) => (
                <li key={`${fieldError.field}-${fieldError.code}`}>
                  <span className="font-medium">{fieldError.field}</span>: {fieldError.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : inventory.isError ? (
        <ErrorState title="Could not load the inventory" error={inventory.error} onRetry={() => inventory.refetch()} />
      ) : inventory.isPending ? (
        <LoadingBlock label="Loading resources" />
      ) : items.length === 0 ? (
        <EmptyState
          icon={Boxes}
          title="No resources found"
          description={
            FILTER_KEYS.some((key) => filters[key])
              ? 'Nothing matches these filters. Change or clear them.'
              : 'Connect a cloud account and run a sync to see its resources here.'
          }
        />
      ) : (
        <div>
          <div className="mb-2 flex h-5 items-center justify-end">
            {inventory.isFetching && !inventory.isFetchingNextPage ? <Spinner label="Updating" /> : null}
          </div>
          <ResourcesTable
            items={items}
            sort={filters.sort}
            onSort={(sort) => setFilters({ ...filters, sort })}
            onOpen={(resource) => selectResource(resource.id)}
          />
          <LoadMore
            shown={items.length}
            noun={items.length === 1 ? 'resource' : 'resources'}
            hasNextPage={inventory.hasNextPage}
            isFetchingNextPage={inventory.isFetchingNextPage}
            onLoadMore={() => inventory.fetchNextPage()}
          />
        </div>
      )}
      {selectedId ? (
        <ResourceDrawer
          orgId={orgId}
          resourceId={selectedId}
          placeholder={selectedFromList}
          onClose={() => selectResource(null)}
        />
      ) : null}
    </div>
  );
}

type ResourcesTableProps = {
  items: Resource[];
  sort: InventorySort;
  onSort: (sort: InventorySort) => void;
  onOpen: (resource: Resource) => void;
};

function ResourcesTable({ items, sort, onSort, onOpen }: ResourcesTableProps) {
  return (
    <Table caption="Resources">
      <THead>
        <SortableTH column="name" label="Name" sort={sort} onSort={onSort} />
        {/* on phones the type and provider go under the name */}
        <SortableTH column="type" label="Type" sort={sort} onSort={onSort} className="hidden sm:table-cell" />
        <TH className="hidden sm:table-cell">Provider</TH>
        <TH className="hidden md:table-cell">Region</TH>
        <TH>State</TH>
        <TH className="hidden lg:table-cell">Size</TH>
        <TH className="hidden md:table-cell">Account</TH>
      </THead>
      <TBody>
        {items.map((resource) => {
          const name = resource.name || resource.native_id;
          return (
            <tr key={resource.id} className={resource.deleted_at ? 'opacity-60' : undefined}>
              <TD className="max-w-56 sm:max-w-64">
                <button
                  type="button"
                  onClick={() => onOpen(resource)}
                  aria-label={`Details of ${name}`}
                  className="block max-w-full truncate rounded text-left font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-accent-600"
                >
                  {name}
                </button>
                <span className="block truncate text-xs text-zinc-500 sm:hidden">
                  {resourceTypeLabel(resource.type)} · {providerLabel(resource.provider)}
                </span>
              </TD>
              <TD className="hidden whitespace-nowrap sm:table-cell">{resourceTypeLabel(resource.type)}</TD>
              <TD className="hidden sm:table-cell">{providerLabel(resource.provider)}</TD>
              <TD className="hidden whitespace-nowrap md:table-cell">{resource.region}</TD>
              <TD>
                <Badge tone={resourceStateTone(resource.state)}>{resourceStateLabel(resource.state)}</Badge>
              </TD>
              <TD className="hidden whitespace-nowrap lg:table-cell">{resource.size ?? '—'}</TD>
              <TD className="hidden whitespace-nowrap md:table-cell">{resource.account}</TD>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}

type SortableTHProps = {
  className?: string;
  column: 'name' | 'type';
  label: string;
  sort: InventorySort;
  onSort: (sort: InventorySort) => void;
};

/// A column header that sorts by its column, ascending first, then toggles the direction.
function SortableTH({ className, column, label, sort, onSort }: SortableTHProps) {
  const active = sort === column || sort === `-${column}`;
  const descending = sort === `-${column}`;
  const Icon = !active ? ArrowUpDown : descending ? ArrowDown : ArrowUp;
  const next: InventorySort = active && !descending ? `-${column}` : column;
  return (
    <TH className={className} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        onClick={() => onSort(next)}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-zinc-800 focus-visible:outline-2 focus-visible:outline-accent-600"
      >
        {label}
        <Icon aria-hidden className="size-3.5" />
        <span className="sr-only">
          , sort {next.startsWith('-') ? 'descending' : 'ascending'}
        </span>
      </button>
    </TH>
  );
}

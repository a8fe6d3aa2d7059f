//! The inventory's filters. The selects apply at once; the text filters apply when the form
//! is submitted (Enter or "Apply"), so typing does not fire a request per key.
import { useState, type FormEvent } from 'react';
import { SlidersHorizontal, Search, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import { SelectField, TextField } from '@/components/ui/field';
import { PROVIDERS, RESOURCE_STATES, RESOURCE_TYPES, providerLabel, resourceStateLabel, resourceTypeLabel } from '@/lib/providers';
import type { InventoryFilters } from '../api/get-inventory';

type InventoryFiltersFormProps = {
  filters: InventoryFilters;
  onChange: (next: InventoryFilters) => void;
  /// Messages of an `invalid_query` answer, by query parameter.
  errors?: Partial<Record<string, string>>;
};

type TextFilters = Pick<InventoryFilters, 'region' | 'tag' | 'q'>;

export function InventoryFiltersForm({ filters, onChange, errors = {} }: InventoryFiltersFormProps) {
  const [text, setText] = useState<TextFilters>({ region: filters.region, tag: filters.tag, q: filters.q });
  // Follow the URL when it changes from outside (back button, "Clear filters").
  const filtersKey = JSON.stringify(filters);
  const [shownKey, setShownKey] = useState(filtersKey);
  if (shownKey !== filtersKey) {
    setShownKey(filtersKey);
    setText({ region: filters.region, tag: filters.tag, q: filters.q });
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, ...text });
  };
  const hasFilters = Boolean(filters.provider || filters.type || filters.state || filters.region || filters.tag || filters.q);
  // On phones the search comes alone, so the first screen shows resources; the other filters
  // open on demand (and start open when one is set).
  const moreSet = [filters.provider, filters.type, filters.state, filters.region, filters.tag].filter(Boolean).length;
  const [moreOpen, setMoreOpen] = useState(moreSet > 0);
  const more = cn(!moreOpen && 'max-sm:hidden');

  return (
    <form role="search" aria-label="Filter resources" onSubmit={submit} noValidate className="flex flex-col gap-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <TextField
          label="Search"
          name="q"
          type="search"
          placeholder="Name or provider id"
          value={text.q}
          error={errors.q}
          onChange={(event) => setText({ ...text, q: event.target.value })}
          className="sm:col-span-3 lg:col-span-2"
        />
        <Button
          variant="secondary"
          className="sm:hidden"
          aria-expanded={moreOpen}
          aria-controls="inventory-more-filters"
          icon={<SlidersHorizontal aria-hidden className="size-4" />}
          onClick={() => setMoreOpen(!moreOpen)}
        >
          {moreOpen ? 'Fewer filters' : moreSet > 0 ? `More filters (${moreSet} set)` : 'More filters'}
        </Button>
        <div id="inventory-more-filters" className={cn('contents', more)}>
          <SelectField
            label="Provider"
            name="provider"
            value={filters.provider}
            error={errors.provider}
            onChange={(event) => onChange({ ...filters, ...text, provider: event.target.value })}
          >
            <option value="">Any provider</option>
            {PROVIDERS.map((provider) => (
              <option key={provider} value={provider}>
                {providerLabel(provider)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Type"
            name="type"
            value={filters.type}
            error={errors.type}
            onChange={(event) => onChange({ ...filters, ...text, type: event.target.value })}
          >
            <option value="">Any type</option>
            {RESOURCE_TYPES.map((type) => (
              <option key={type} value={type}>
                {resourceTypeLabel(type)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="State"
            name="state"
            value={filters.state}
            error={errors.state}
            onChange={(event) => onChange({ ...filters, ...text, state: event.target.value })}
          >
            <option value="">Any state</option>
            {RESOURCE_STATES.map((state) => (
              <option key={state} value={state}>
                {resourceStateLabel(state)}
              </option>
            ))}
          </SelectField>
          <TextField
            label="Region"
            name="region"
            placeholder="eu-west-1"
            value={text.region}
            error={errors.region}
            onChange={(event) => setText({ ...text, region: event.target.value })}
          />
        </div>
      </div>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start">
        <TextField
          label="Tag"
          name="tag"
          placeholder="env=prod"
          hint="key=value, or just a key for resources that have the tag"
          value={text.tag}
          error={errors.tag}
          onChange={(event) => setText({ ...text, tag: event.target.value })}
          className={more}
        />
        <div className="flex gap-2 sm:mt-[1.625rem]">
          <Button type="submit" icon={<Search aria-hidden className="size-4" />}>
            Apply filters
          </Button>
          {hasFilters ? (
            <Button
              variant="ghost"
              icon={<X aria-hidden className="size-4" />}
              onClick={() => onChange({ provider: '', type: '', region: '', state: '', tag: '', q: '', sort: filters.sort })}
            >
              Clear
            </Button>
          ) : null}
        </div>
      </div>
    </form>
  );
}

//! The organisation's landing page: totals, resources by provider and type, and each cloud
//! account's last sync and region health.
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Cloud } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { formatMoney, type Money } from '@/lib/costs';
import { formatDateTime, formatRelative } from '@/lib/format';
import { providerLabel, resourceTypeLabel } from '@/lib/providers';
import { formatSyncCounts, syncStatusLabel, syncStatusTone } from '@/lib/sync';
import { useDashboard, type CredentialStatus, type RegionHealth } from '../api/get-dashboard';
import { CostChart } from './cost-chart';

type DashboardOverviewProps = {
  orgId: string;
  /// Where "Connect a cloud account" leads.
  accountsHref: string;
};

export function DashboardOverview({ orgId, accountsHref }: DashboardOverviewProps) {
  const dashboard = useDashboard(orgId);

  if (dashboard.isPending) return <LoadingBlock label="Loading the dashboard" />;
  if (dashboard.isError) {
    return <ErrorState title="Could not load the dashboard" error={dashboard.error} onRetry={() => dashboard.refetch()} />;
  }

  const { totals, running_vms, credentials } = dashboard.data;
  if (credentials.length === 0) {
    return (
      <EmptyState
        icon={Cloud}
        title="Connect a cloud account"
        description="Skyforge lists the VMs, disks, networks and buckets of your AWS, Azure and GCP accounts once one is connected."
        action={
          <Link to={accountsHref} className={buttonClass('primary')}>
            Connect a cloud account
          </Link>
        }
      />
    );
  }

  return (
    <div className="flex flex-col gap-6">
      <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Stat label="Resources" value={totals.resources} />
        <Stat label="Running VMs" value={running_vms} />
        <Stat label="Cloud accounts" value={credentials.length} />
      </dl>
      {dashboard.data.costs && dashboard.data.costs.month_to_date.length > 0 ? (
        <>
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Stat label="Cost, month to date" value={<Amounts amounts={dashboard.data.costs.month_to_date} />} />
            <Stat label="Forecast, month end" value={<Amounts amounts={dashboard.data.costs.forecast_month_end} />} />
          </dl>
          <CostChart orgId={orgId} />
        </>
      ) : null}
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="By provider">
          <Bars label="Resources by provider" counts={totals.by_provider} name={providerLabel} />
        </Card>
        <Card title="By type">
          <Bars label="Resources by type" counts={totals.by_type} name={resourceTypeLabel} />
        </Card>
      </div>
      <section aria-labelledby="dashboard-accounts" className="flex flex-col gap-3">
        <h2 id="dashboard-accounts" className="text-sm font-semibold text-zinc-900">
          Cloud accounts
        </h2>
        <ul className="grid gap-4 lg:grid-cols-2">
          {credentials.map((credential) => (
            <li key={credential.credential_id}>
              <AccountStatus credential={credential} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/// One line per currency: amounts in different currencies are never added.
function Amounts({ amounts }: { amounts: Money[] }) {
  if (amounts.length === 0) return <>—</>;
  return (
    <span className="flex flex-col">
      {amounts.map((m) => (
        <span key={m.currency}>{formatMoney(m.amount, m.currency)}</span>
      ))}
    </span>
  );
}

function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs sm:px-5">
      <dt className="text-sm text-zinc-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tracking-tight text-zinc-900 tabular-nums">{value}</dd>
    </div>
  );
}

/// Horizontal bars, widest first; the numbers are in the text, so the bars are decoration.
function Bars({ label, counts, name }: { label: string; counts: Record<string, number>; name: (key: string) => string }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="text-sm text-zinc-500">No resources yet.</p>;
  const max = Math.max(...entries.map(([, count]) => count), 1);
  return (
    <ul aria-label={label} className="flex flex-col gap-2.5">
      {entries.map(([key, count]) => (
        <li key={key} className="grid grid-cols-[6rem_minmax(0,1fr)_3rem] items-center gap-3 text-sm">
          <span className="truncate text-zinc-700">{name(key)}</span>
          <span aria-hidden className="h-2 rounded-full bg-zinc-100">
            <span className="block h-2 rounded-full bg-accent-500" style={{ width: `${(count / max) * 100}%` }} />
          </span>
          <span className="text-right text-zinc-900 tabular-nums">{count}</span>
        </li>
      ))}
    </ul>
  );
}

function AccountStatus({ credential }: { credential: CredentialStatus }) {
  const sync = credential.last_sync;
  return (
    <article
      aria-label={credential.name}
      className="flex h-full flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:p-5"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="truncate text-sm font-semibold text-zinc-900">{credential.name}</h3>
          <p className="text-xs text-zinc-500">
            {providerLabel(credential.provider)} · {credential.resources} resources
          </p>
        </div>
        {sync ? <Badge tone={syncStatusTone(sync.status)}>{syncStatusLabel(sync.status)}</Badge> : <Badge>Never synced</Badge>}
      </header>
      {sync ? (
        <p className="text-sm text-zinc-600">
          {sync.finished_at ? (
            <>
              Last sync{' '}
              <time dateTime={sync.finished_at} title={formatDateTime(sync.finished_at)}>
                {formatRelative(sync.finished_at)}
              </time>
              :{' '}
            </>
          ) : (
            'Sync in progress: '
          )}
          {formatSyncCounts(sync.counts)}
        </p>
      ) : null}
      <RegionHealthSummary name={credential.name} regions={credential.health} unit={unitOf(credential.provider)} />
    </article>
  );
}

/// Up to this many regions are listed as they are; more (an AWS account has two dozen) are
/// summed up, with the failing ones listed and the rest behind "Show all regions".
const REGIONS_SHOWN = 6;

/// What a health row is per: ARM and Compute Engine list a subscription or project whole.
function unitOf(provider: string | null | undefined): string {
  if (provider === 'azure') return 'Subscription';
  if (provider === 'gcp') return 'Project';
  return 'Region';
}

function RegionHealthSummary({ name, regions, unit }: { name: string; regions: RegionHealth[]; unit: string }) {
  const [showAll, setShowAll] = useState(false);
  if (regions.length === 0) return <p className="text-xs text-zinc-500">No region health yet.</p>;
  if (regions.length <= REGIONS_SHOWN)
    return <RegionTable caption={`${unit} health of ${name}`} regions={regions} unit={unit} />;

  const failing = regions.filter((region) => !region.ok);
  const latencies = regions.map((region) => region.latency_ms).sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  const tableId = `region-health-${name.replace(/\W+/g, '-')}`;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-zinc-600">
        {regions.length - failing.length} of {regions.length} regions OK · median latency {median} ms
      </p>
      {failing.length > 0 && !showAll ? <RegionTable caption={`Regions with errors in ${name}`} regions={failing} unit={unit} /> : null}
      <button
        type="button"
        aria-expanded={showAll}
        aria-controls={tableId}
        onClick={() => setShowAll((value) => !value)}
        className="self-start rounded text-xs font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-accent-600"
      >
        {showAll ? 'Hide the regions' : `Show all ${regions.length} regions`}
      </button>
      <div id={tableId} hidden={!showAll}>
        {showAll ? <RegionTable caption={`Region health of ${name}`} regions={regions} unit={unit} /> : null}
      </div>
    </div>
  );
}

function RegionTable({ caption, regions, unit }: { caption: string; regions: RegionHealth[]; unit: string }) {
  return (
    <table className="w-full text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="text-left text-xs text-zinc-500">
          <th scope="col" className="pb-1 font-medium">
            {unit}
          </th>
          <th scope="col" className="pb-1 font-medium">
            Status
          </th>
          <th scope="col" className="pb-1 text-right font-medium">
            p50 latency
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {regions.map((region) => (
          <tr key={region.region}>
            <td className="py-1.5 text-zinc-700">{region.region}</td>
            <td className="py-1.5">
              <Badge tone={region.ok ? 'success' : 'danger'}>{region.ok ? 'OK' : 'Error'}</Badge>
            </td>
            <td className="py-1.5 text-right text-zinc-700 tabular-nums">{region.latency_ms} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

//! Getting started for an organisation without cloud accounts: the three providers with their
//! connection methods (the AWS role first), what each needs, and a checklist that fills as the
//! steps are done. The route supplies the data; this feature fetches nothing of its own.
import { CheckCircle2, Circle } from 'lucide-react';
import { Link } from 'react-router';
import { buttonClass } from '@/components/ui/button';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';

export type OnboardingSteps = {
  connected: boolean;
  synced: boolean;
  deployed: boolean;
};

type OnboardingGuideProps = {
  steps: OnboardingSteps;
  accountsHref: string;
  deploymentsHref: string;
  membersHref: string;
  /// The CloudFormation quick-create link with the organisation's external id, once loaded.
  awsQuickCreateUrl: string | null;
  awsExternalId: string | null;
  onDismiss: () => void;
};

export function OnboardingGuide(props: OnboardingGuideProps) {
  const { steps, accountsHref, deploymentsHref, membersHref, awsQuickCreateUrl, awsExternalId, onDismiss } = props;
  const checklist: Array<{ done: boolean; label: string; href: string }> = [
    { done: steps.connected, label: 'Connect a cloud account', href: accountsHref },
    { done: steps.synced, label: 'First sync done: resources in the inventory', href: accountsHref },
    { done: steps.deployed, label: 'Create a first deployment', href: deploymentsHref },
    { done: false, label: 'Add a teammate', href: membersHref },
  ];
  return (
    <div className="flex flex-col gap-6">
      <Card title="Checklist">
        <ol aria-label="Getting started checklist" className="flex flex-col gap-2 text-sm">
          {checklist.map((step) => (
            <li key={step.label} className="flex items-center gap-2">
              {step.done ? (
                <CheckCircle2 aria-hidden className="size-4 text-emerald-600" />
              ) : (
                <Circle aria-hidden className="size-4 text-zinc-400" />
              )}
              <Link to={step.href} className={step.done ? 'text-zinc-500 line-through' : 'text-zinc-900 hover:underline'}>
                {step.label}
              </Link>
              <span className="sr-only">{step.done ? '(done)' : '(to do)'}</span>
            </li>
          ))}
        </ol>
      </Card>

      <Card title="AWS" description="Recommended: a read-only role Skyforge assumes, no long-lived keys.">
        <ol className="flex list-decimal flex-col gap-2 pl-5 text-sm text-zinc-700">
          <li>
            Create the role with CloudFormation: the link opens the AWS console with the template, the platform's
            principal and your organisation's external id filled in.{' '}
            {awsQuickCreateUrl ? (
              <a href={awsQuickCreateUrl} target="_blank" rel="noreferrer" className="font-medium text-accent-700 hover:underline">
                Open the CloudFormation quick-create link
              </a>
            ) : (
              <span className="text-zinc-500">Loading the link…</span>
            )}
            {awsExternalId ? <span className="block text-xs text-zinc-500">External id: {awsExternalId}</span> : null}
          </li>
          <li>Paste the role's ARN (the stack's output) into "Add account" and choose the regions to sync.</li>
          <li>
            Or, where a role is not possible: an IAM user's access key id and secret with the <code>ReadOnlyAccess</code>{' '}
            policy.
          </li>
        </ol>
      </Card>

      <Card title="Azure" description="A service principal with the Reader role on the subscriptions to list.">
        <p className="text-sm text-zinc-700">
          Needs the tenant id, the client id and a client secret of an app registration, and the subscription ids.
        </p>
      </Card>

      <Card title="Google Cloud" description="A service account with the Viewer role on the projects to list.">
        <p className="text-sm text-zinc-700">
          Needs the service account's JSON key and the project ids; optionally the Cloud Billing export table for costs.
        </p>
      </Card>

      <div className="flex flex-wrap gap-3">
        <Link to={accountsHref} className={buttonClass('primary')}>
          Connect a cloud account
        </Link>
        <Button variant="ghost" onClick={onDismiss}>
          Dismiss the guide
        </Button>
      </div>
    </div>
  );
}

const DISMISSED_KEY = 'skyforge.onboarding_dismissed';

/// Whether the guide was dismissed for `orgId` in this browser.
export function isOnboardingDismissed(orgId: string): boolean {
  try {
    return (window.localStorage.getItem(DISMISSED_KEY) ?? '').split(' ').includes(orgId);
  } catch {
    return false;
  }
}

export function dismissOnboarding(orgId: string) {
  try {
    const ids = (window.localStorage.getItem(DISMISSED_KEY) ?? '').split(' ').filter(Boolean);
    window.localStorage.setItem(DISMISSED_KEY, [...new Set([...ids, orgId])].join(' '));
  } catch {
    // without storage the guide simply stays reachable
  }
}

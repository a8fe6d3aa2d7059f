//! `/orgs/:orgId/cloud-accounts`: connected AWS, Azure and GCP accounts.
import { useState } from 'react';
import { Plus } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { AddCredentialForm } from '@/features/cloud-accounts/components/add-credential-form';
import { CredentialsList } from '@/features/cloud-accounts/components/credentials-list';
import { useOrgContext } from './org-context';

export default function CloudAccountsRoute() {
  const { org } = useOrgContext();
  const canChange = org.role !== 'viewer';
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Cloud accounts"
        description="AWS, Azure and GCP accounts Skyforge reads resources from."
        actions={
          canChange && !adding ? (
            <Button
              icon={<Plus aria-hidden className="size-4" />}
              onClick={() => {
                setAdded(null);
                setAdding(true);
              }}
            >
              Add account
            </Button>
          ) : null
        }
      />
      <div className="flex flex-col gap-6">
        {!canChange ? <Alert tone="info">Viewers can see cloud accounts but not add, sync or change them.</Alert> : null}
        {added ? <Alert tone="success">{added}</Alert> : null}
        {canChange && adding ? (
          <Card title="Add a cloud account" description="Skyforge checks the credential with the provider before saving it.">
            <AddCredentialForm
              orgId={org.id}
              onCancel={() => setAdding(false)}
              onAdded={(credential) => {
                setAdding(false);
                setAdded(`${credential.name} is connected; its first sync has started.`);
              }}
            />
          </Card>
        ) : null}
        <CredentialsList
          orgId={org.id}
          canChange={canChange}
          onAdd={() => {
            setAdded(null);
            setAdding(true);
          }}
        />
      </div>
    </>
  );
}

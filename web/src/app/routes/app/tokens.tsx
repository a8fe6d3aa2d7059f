//! `/orgs/:orgId/tokens`: the user's personal API tokens.
import { useState } from 'react';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import type { CreatedToken } from '@/features/tokens/api/create-token';
import { CreateTokenForm } from '@/features/tokens/components/create-token-form';
import { NewTokenNotice } from '@/features/tokens/components/new-token-notice';
import { TokensList } from '@/features/tokens/components/tokens-list';

export default function TokensRoute() {
  // The only copy of a new token's secret; dropped when the user dismisses the notice or
  // leaves the page.
  const [created, setCreated] = useState<CreatedToken | null>(null);

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for the Skyforge API. A token acts with your permissions; send it as a Bearer token."
      />
      <div className="flex flex-col gap-6">
        {created ? <NewTokenNotice token={created} onDismiss={() => setCreated(null)} /> : null}
        <Card title="Create a token">
          <CreateTokenForm onCreated={setCreated} />
        </Card>
        <TokensList />
      </div>
    </>
  );
}

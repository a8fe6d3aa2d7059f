//! Connects a cloud account: AWS (an IAM role Skyforge assumes, or access keys), Azure (a
//! service principal) or GCP (a service account key). The server checks the credential with
//! the provider before storing it.
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { ExternalLink, Plus } from 'lucide-react';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClass } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { ErrorState } from '@/components/ui/error-state';
import { TextAreaField, TextField } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import { ApiError, isApiError } from '@/lib/api-client';
import { applyServerErrors } from '@/lib/form-errors';
import { PROVIDERS, providerLabel } from '@/lib/providers';
import { useAddCredential, type AddCredentialRequest } from '../api/add-credential';
import { useAwsRoleSetup } from '../api/get-aws-role-setup';
import type { Credential } from '../api/get-credentials';

/// Splits a comma- or newline-separated list, dropping blanks.
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

const required = (message: string) => z.string().trim().min(1, message);

const formSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    aws_method: z.enum(['role', 'access_key']),
    name: required('Give the account a name.'),
    role_arn: z.string(),
    access_key_id: z.string(),
    secret_access_key: z.string(),
    tenant_id: z.string(),
    client_id: z.string(),
    client_secret: z.string(),
    subscription_ids: z.string(),
    service_account_key: z.string(),
    project_ids: z.string(),
  })
  .superRefine((values, ctx) => {
    const need = (field: keyof typeof values, message: string) => {
      if (!values[field].trim()) ctx.addIssue({ code: 'custom', path: [field], message });
    };
    if (values.provider === 'aws' && values.aws_method === 'role') need('role_arn', 'Enter the ARN of the role you created.');
    if (values.provider === 'aws' && values.aws_method === 'access_key') {
      need('access_key_id', 'Enter the access key id.');
      need('secret_access_key', 'Enter the secret access key.');
    }
    if (values.provider === 'azure') {
      need('tenant_id', 'Enter the tenant id.');
      need('client_id', 'Enter the client id.');
      need('client_secret', 'Enter the client secret.');
      need('subscription_ids', 'Enter at least one subscription id.');
    }
    if (values.provider === 'gcp') {
      need('service_account_key', 'Paste the service account key JSON.');
      need('project_ids', 'Enter at least one project id.');
    }
  });
type FormValues = z.infer<typeof formSchema>;

const SERVER_FIELDS = [
  'name',
  'role_arn',
  'access_key_id',
  'secret_access_key',
  'tenant_id',
  'client_id',
  'client_secret',
  'subscription_ids',
  'service_account_key',
  'project_ids',
] as const;

/// The request body for the chosen provider and method; nothing of the other providers is sent.
export function toRequest(values: FormValues): AddCredentialRequest {
  const base = { provider: values.provider, name: values.name.trim() };
  switch (values.provider) {
    case 'aws':
      return values.aws_method === 'role'
        ? { ...base, role_arn: values.role_arn.trim() }
        : { ...base, access_key_id: values.access_key_id.trim(), secret_access_key: values.secret_access_key.trim() };
    case 'azure':
      return {
        ...base,
        tenant_id: values.tenant_id.trim(),
        client_id: values.client_id.trim(),
        client_secret: values.client_secret,
        subscription_ids: splitList(values.subscription_ids),
      };
    case 'gcp':
      return { ...base, service_account_key: values.service_account_key, project_ids: splitList(values.project_ids) };
  }
}

/// List items are reported as `subscription_ids[1]`: shown on the list's field, naming the item.
export function withListErrorsOnTheirField(error: unknown): unknown {
  if (!isApiError(error)) return error;
  return new ApiError({
    ...error,
    fieldErrors: error.fieldErrors.map((fieldError) => {
      const match = /^([a-z_]+)\[(\d+)\]$/.exec(fieldError.field);
      if (!match) return fieldError;
      return { ...fieldError, field: match[1]!, message: `Item ${Number(match[2]) + 1}: ${fieldError.message}` };
    }),
  });
}

const EMPTY: FormValues = {
  provider: 'aws',
  aws_method: 'role',
  name: '',
  role_arn: '',
  access_key_id: '',
  secret_access_key: '',
  tenant_id: '',
  client_id: '',
  client_secret: '',
  subscription_ids: '',
  service_account_key: '',
  project_ids: '',
};

type AddCredentialFormProps = {
  orgId: string;
  onAdded?: (credential: Credential) => void;
  onCancel?: () => void;
};

export function AddCredentialForm({ orgId, onAdded, onCancel }: AddCredentialFormProps) {
  const add = useAddCredential(orgId);
  const [formError, setFormError] = useState<{ title?: string; text: string } | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    control,
    formState: { errors },
  } = useForm<FormValues>({ resolver: zodResolver(formSchema), defaultValues: EMPTY });
  const provider = useWatch({ control, name: 'provider' });
  const awsMethod = useWatch({ control, name: 'aws_method' });
  const usesRole = provider === 'aws' && awsMethod === 'role';

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    add.mutate(toRequest(values), {
      onSuccess: (credential) => onAdded?.(credential),
      onError: (error) => {
        const text = applyServerErrors(withListErrorsOnTheirField(error), setError, SERVER_FIELDS);
        if (text === null) return;
        const refused = isApiError(error) && error.code === 'credential_invalid';
        setFormError({ title: refused ? `${providerLabel(values.provider)} refused this credential` : undefined, text });
      },
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add cloud account" className="flex flex-col gap-5">
      {formError ? <Alert title={formError.title}>{formError.text}</Alert> : null}
      <fieldset>
        <legend className="text-sm font-medium text-zinc-800">Provider</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {PROVIDERS.map((option) => (
            <label
              key={option}
              className="flex cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-3 py-2 text-sm has-checked:border-accent-600 has-checked:bg-accent-50 has-focus-visible:outline-2 has-focus-visible:outline-accent-600"
            >
              <input type="radio" value={option} className="accent-accent-600" {...register('provider')} />
              {providerLabel(option)}
            </label>
          ))}
        </div>
      </fieldset>

      <TextField
        label="Name"
        placeholder="Production"
        hint="Shown in Skyforge to tell accounts apart."
        autoComplete="off"
        error={errors.name?.message}
        {...register('name')}
      />

      {provider === 'aws' ? (
        <fieldset>
          <legend className="text-sm font-medium text-zinc-800">How Skyforge signs in</legend>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row">
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="role" className="accent-accent-600" {...register('aws_method')} />
              IAM role (recommended)
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="radio" value="access_key" className="accent-accent-600" {...register('aws_method')} />
              Access keys
            </label>
          </div>
        </fieldset>
      ) : null}

      {usesRole ? <AwsRoleSetupPanel orgId={orgId} /> : null}
      {usesRole ? (
        <TextField
          label="Role ARN"
          placeholder="arn:aws:iam::123456789012:role/SkyforgeReadOnly"
          autoComplete="off"
          spellCheck={false}
          error={errors.role_arn?.message}
          {...register('role_arn')}
        />
      ) : null}
      {provider === 'aws' && awsMethod === 'access_key' ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Access key ID"
            autoComplete="off"
            spellCheck={false}
            error={errors.access_key_id?.message}
            {...register('access_key_id')}
          />
          <TextField
            label="Secret access key"
            type="password"
            autoComplete="off"
            error={errors.secret_access_key?.message}
            {...register('secret_access_key')}
          />
        </div>
      ) : null}

      {provider === 'azure' ? (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Tenant ID" autoComplete="off" spellCheck={false} error={errors.tenant_id?.message} {...register('tenant_id')} />
            <TextField label="Client ID" autoComplete="off" spellCheck={false} error={errors.client_id?.message} {...register('client_id')} />
          </div>
          <TextField
            label="Client secret"
            type="password"
            autoComplete="off"
            error={errors.client_secret?.message}
            {...register('client_secret')}
          />
          <TextAreaField
            label="Subscription IDs"
            hint="One per line, or separated by commas."
            rows={3}
            spellCheck={false}
            error={errors.subscription_ids?.message}
            {...register('subscription_ids')}
          />
        </>
      ) : null}

      {provider === 'gcp' ? (
        <>
          <TextAreaField
            label="Service account key (JSON)"
            hint="Paste the whole key file."
            rows={6}
            spellCheck={false}
            error={errors.service_account_key?.message}
            {...register('service_account_key')}
          />
          <TextAreaField
            label="Project IDs"
            hint="One per line, or separated by commas."
            rows={3}
            spellCheck={false}
            error={errors.project_ids?.message}
            {...register('project_ids')}
          />
        </>
      ) : null}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel} disabled={add.isPending}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" isLoading={add.isPending} icon={<Plus aria-hidden className="size-4" />}>
          Add account
        </Button>
      </div>
    </form>
  );
}

/// Only https links from the API are followed (never `javascript:` or the like).
function httpsUrl(url: string): string | undefined {
  try {
    return new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function AwsRoleSetupPanel({ orgId }: { orgId: string }) {
  const setup = useAwsRoleSetup(orgId);
  if (setup.isPending) return <Spinner label="Loading the role set-up" />;
  if (setup.isError) {
    return <ErrorState title="Could not load the role set-up" error={setup.error} onRetry={() => setup.refetch()} />;
  }
  const { external_id, platform_principal, quick_create_url, template_url } = setup.data;
  return (
    <section aria-label="Create the role" className="flex flex-col gap-3 rounded-md border border-zinc-200 bg-zinc-50 p-4 text-sm">
      <p className="text-zinc-700">
        Create a read-only role in your AWS account that trusts Skyforge. The quick-create link opens the AWS console
        with our{' '}
        <a href={httpsUrl(template_url)} target="_blank" rel="noreferrer noopener" className="text-accent-700 underline">
          CloudFormation template
        </a>{' '}
        and both values below filled in. Then paste the role’s ARN here.
      </p>
      <dl className="grid gap-3">
        <div>
          <dt className="text-xs font-medium text-zinc-500">External ID</dt>
          <dd className="mt-1 flex flex-wrap items-center gap-2">
            <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all ring-1 ring-zinc-200">{external_id}</code>
            <CopyButton value={external_id} label="Copy external ID" />
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium text-zinc-500">Principal to trust</dt>
          <dd className="mt-1">
            <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all ring-1 ring-zinc-200">
              {platform_principal}
            </code>
          </dd>
        </div>
      </dl>
      <div>
        <a href={httpsUrl(quick_create_url)} target="_blank" rel="noreferrer noopener" className={buttonClass('secondary')}>
          <ExternalLink aria-hidden className="size-4" />
          Create the role in the AWS console
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
      </div>
    </section>
  );
}

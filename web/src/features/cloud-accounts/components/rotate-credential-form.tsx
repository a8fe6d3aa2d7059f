//! Replaces a cloud account's secret with a new one of the same kind (a new role ARN, key pair,
//! client secret or service account key). The server checks it with the provider and that it
//! still reaches the same account before storing it.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField, TextField } from '@/components/ui/field';
import { isApiError } from '@/lib/api-client';
import { applyServerErrors } from '@/lib/form-errors';
import { providerLabel } from '@/lib/providers';
import type { Credential } from '../api/get-credentials';
import { useRotateCredential, type RotateCredentialRequest } from '../api/rotate-credential';
import { splitList, withListErrorsOnTheirField } from './add-credential-form';

/// The secret fields each kind of account needs, in the order they are shown.
type SecretField = keyof FormValues;
const FIELDS: Record<string, SecretField[]> = {
  role: ['role_arn'],
  access_key: ['access_key_id', 'secret_access_key'],
  service_principal: ['tenant_id', 'client_id', 'client_secret', 'subscription_ids'],
  service_account: ['service_account_key', 'project_ids'],
};

const formSchema = z.object({
  role_arn: z.string(),
  access_key_id: z.string(),
  secret_access_key: z.string(),
  tenant_id: z.string(),
  client_id: z.string(),
  client_secret: z.string(),
  subscription_ids: z.string(),
  service_account_key: z.string(),
  project_ids: z.string(),
});
type FormValues = z.infer<typeof formSchema>;

const LABELS: Record<SecretField, { label: string; required: string; secret?: boolean; multiline?: number; hint?: string }> = {
  role_arn: { label: 'Role ARN', required: 'Enter the ARN of the role.' },
  access_key_id: { label: 'Access key ID', required: 'Enter the access key id.' },
  secret_access_key: { label: 'Secret access key', required: 'Enter the secret access key.', secret: true },
  tenant_id: { label: 'Tenant ID', required: 'Enter the tenant id.' },
  client_id: { label: 'Client ID', required: 'Enter the client id.' },
  client_secret: { label: 'Client secret', required: 'Enter the client secret.', secret: true },
  subscription_ids: {
    label: 'Subscription IDs',
    required: 'Enter at least one subscription id.',
    multiline: 3,
    hint: 'One per line, or separated by commas.',
  },
  service_account_key: {
    label: 'Service account key (JSON)',
    required: 'Paste the service account key JSON.',
    multiline: 6,
    hint: 'Paste the whole key file.',
  },
  project_ids: {
    label: 'Project IDs',
    required: 'Enter at least one project id.',
    multiline: 3,
    hint: 'One per line, or separated by commas.',
  },
};

const EMPTY: FormValues = {
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

/// The fields to ask for to rotate this account's secret.
export function rotateFields(credential: Pick<Credential, 'method'>): SecretField[] {
  return FIELDS[credential.method] ?? [];
}

/// The request body: only this kind's fields, lists split, keys and ids trimmed.
export function toRotateRequest(fields: SecretField[], values: FormValues): RotateCredentialRequest {
  const body: RotateCredentialRequest = {};
  for (const field of fields) {
    if (field === 'subscription_ids' || field === 'project_ids') body[field] = splitList(values[field]);
    else if (field === 'client_secret' || field === 'service_account_key') body[field] = values[field];
    else body[field] = values[field].trim();
  }
  return body;
}

type RotateCredentialFormProps = {
  orgId: string;
  credential: Credential;
  onRotated: (credential: Credential) => void;
  onCancel: () => void;
};

export function RotateCredentialForm({ orgId, credential, onRotated, onCancel }: RotateCredentialFormProps) {
  const rotate = useRotateCredential(orgId);
  const fields = rotateFields(credential);
  const [formError, setFormError] = useState<{ title?: string; text: string } | null>(null);
  const schema = formSchema.superRefine((values, ctx) => {
    for (const field of fields) {
      if (!values[field].trim()) ctx.addIssue({ code: 'custom', path: [field], message: LABELS[field].required });
    }
  });
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<FormValues>({ resolver: zodResolver(schema), defaultValues: EMPTY });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    rotate.mutate(
      { id: credential.id, body: toRotateRequest(fields, values) },
      {
        onSuccess: onRotated,
        onError: (error) => {
          const text = applyServerErrors(withListErrorsOnTheirField(error), setError, fields);
          if (text === null) return;
          const code = isApiError(error) ? error.code : null;
          const title =
            code === 'credential_invalid'
              ? `${providerLabel(credential.provider)} refused this credential`
              : code === 'account_mismatch'
                ? 'This secret belongs to another account'
                : undefined;
          setFormError({ title, text });
        },
      },
    );
  });

  if (fields.length === 0) {
    return <Alert>This kind of account ({credential.method}) cannot be rotated here.</Alert>;
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Rotate the secret of ${credential.name}`} className="flex flex-col gap-4">
      {formError ? <Alert title={formError.title}>{formError.text}</Alert> : null}
      {fields.map((field) => {
        const { label, secret, multiline, hint } = LABELS[field];
        return multiline ? (
          <TextAreaField
            key={field}
            label={label}
            hint={hint}
            rows={multiline}
            spellCheck={false}
            error={errors[field]?.message}
            {...register(field)}
          />
        ) : (
          <TextField
            key={field}
            label={label}
            type={secret ? 'password' : 'text'}
            autoComplete="off"
            spellCheck={false}
            error={errors[field]?.message}
            {...register(field)}
          />
        );
      })}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={rotate.isPending}>
          Cancel
        </Button>
        <Button type="submit" isLoading={rotate.isPending}>
          Rotate secret
        </Button>
      </div>
    </form>
  );
}

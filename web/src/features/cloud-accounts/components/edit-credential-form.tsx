//! Renames a cloud account and chooses the regions it syncs (none listed: every region the
//! account has enabled).
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField, TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import type { Credential } from '../api/get-credentials';
import { useUpdateCredential } from '../api/update-credential';
import { splitList, withListErrorsOnTheirField } from './add-credential-form';

const formSchema = z.object({
  name: z.string().trim().min(1, 'Give the account a name.'),
  regions: z.string(),
});
type FormValues = z.infer<typeof formSchema>;

type EditCredentialFormProps = {
  orgId: string;
  credential: Credential;
  onSaved: (credential: Credential) => void;
  onCancel: () => void;
};

export function EditCredentialForm({ orgId, credential, onSaved, onCancel }: EditCredentialFormProps) {
  const update = useUpdateCredential(orgId);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<FormValues>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: credential.name, regions: (credential.regions ?? []).join('\n') },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    const regions = splitList(values.regions);
    update.mutate(
      // An empty list means "every enabled region", which the API spells null.
      { id: credential.id, body: { name: values.name.trim(), regions: regions.length > 0 ? regions : null } },
      {
        onSuccess: onSaved,
        onError: (error) => setFormError(applyServerErrors(withListErrorsOnTheirField(error), setError, ['name', 'regions'])),
      },
    );
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Edit ${credential.name}`} className="flex flex-col gap-4">
      {formError ? <Alert>{formError}</Alert> : null}
      <TextField label="Name" autoComplete="off" error={errors.name?.message} {...register('name')} />
      <TextAreaField
        label="Regions"
        hint="One per line, or separated by commas. Leave empty to sync every region the account has enabled."
        rows={4}
        spellCheck={false}
        placeholder="us-east-1"
        error={errors.regions?.message}
        {...register('regions')}
      />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={update.isPending}>
          Cancel
        </Button>
        <Button type="submit" isLoading={update.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}

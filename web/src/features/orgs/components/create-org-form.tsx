//! A one-field form that creates an organisation.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import { createOrgInputSchema, useCreateOrg, type CreateOrgInput } from '../api/create-org';
import type { Org } from '../api/get-org';

type CreateOrgFormProps = {
  onCreated: (org: Org) => void | Promise<void>;
  onCancel?: () => void;
};

export function CreateOrgForm({ onCreated, onCancel }: CreateOrgFormProps) {
  const createOrg = useCreateOrg({ onSuccess: onCreated });
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<CreateOrgInput>({ resolver: zodResolver(createOrgInputSchema), defaultValues: { name: '' } });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    createOrg.mutate(values, {
      onError: (error) => setFormError(applyServerErrors(error, setError, ['name'])),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? <Alert>{formError}</Alert> : null}
      <TextField label="Organisation name" autoComplete="organization" error={errors.name?.message} {...register('name')} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {onCancel ? (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" isLoading={createOrg.isPending}>
          Create organisation
        </Button>
      </div>
    </form>
  );
}

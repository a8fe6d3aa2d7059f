//! Creates a personal API token with a name, a scope and an optional expiry date.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { KeyRound } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import {
  createTokenFormSchema,
  toCreateTokenInput,
  useCreateToken,
  type CreateTokenForm as CreateTokenFormValues,
  type CreatedToken,
} from '../api/create-token';

type CreateTokenFormProps = {
  /// Receives the new token with its secret; the form keeps no copy of it.
  onCreated: (token: CreatedToken) => void;
};

export function CreateTokenForm({ onCreated }: CreateTokenFormProps) {
  const createToken = useCreateToken();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<CreateTokenFormValues>({
    resolver: zodResolver(createTokenFormSchema),
    defaultValues: { name: '', scope: 'read', expires_at: '' },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    createToken.mutate(toCreateTokenInput(values), {
      onSuccess: (token) => {
        reset();
        // Drop the mutation's copy of the secret: the caller shows it once, then forgets it.
        createToken.reset();
        onCreated(token);
      },
      onError: (error) => setFormError(applyServerErrors(error, setError, ['name', 'scope', 'expires_at'])),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-label="Create API token">
      {formError ? <Alert>{formError}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_10rem_11rem_auto] lg:items-start">
        <TextField
          label="Name"
          placeholder="CI pipeline"
          autoComplete="off"
          hint="What the token is for."
          error={errors.name?.message}
          {...register('name')}
        />
        <SelectField
          label="Scope"
          hint="Write can change resources."
          error={errors.scope?.message}
          {...register('scope')}
        >
          <option value="read">Read</option>
          <option value="write">Write</option>
        </SelectField>
        <TextField
          label="Expires on (optional)"
          type="date"
          hint="Leave empty for no expiry."
          error={errors.expires_at?.message}
          {...register('expires_at')}
        />
        <Button
          type="submit"
          isLoading={createToken.isPending}
          icon={<KeyRound aria-hidden className="size-4" />}
          className="lg:mt-[1.625rem]"
        >
          Create token
        </Button>
      </div>
    </form>
  );
}

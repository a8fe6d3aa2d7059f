//! Adds a member by email with a role. The user must already have a Skyforge account.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { UserPlus } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { ROLES, ROLE_LABELS } from '@/lib/api-common';
import { applyServerErrors } from '@/lib/form-errors';
import { addMemberInputSchema, useAddMember, type AddMemberInput } from '../api/add-member';

export function AddMemberForm({ orgId }: { orgId: string }) {
  const addMember = useAddMember(orgId);
  const [formError, setFormError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm<AddMemberInput>({
    resolver: zodResolver(addMemberInputSchema),
    defaultValues: { email: '', role: 'viewer' },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    setAdded(null);
    addMember.mutate(values, {
      onSuccess: (member) => {
        setAdded(`${member.name || member.email} was added as ${ROLE_LABELS[member.role].toLowerCase()}.`);
        reset({ email: '', role: values.role });
      },
      onError: (error) => setFormError(applyServerErrors(error, setError, ['email', 'role'])),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-label="Add member">
      {formError ? <Alert>{formError}</Alert> : null}
      {added ? <Alert tone="success">{added}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          placeholder="colleague@example.com"
          error={errors.email?.message}
          {...register('email')}
        />
        <SelectField label="Role" error={errors.role?.message} {...register('role')}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </SelectField>
        <Button
          type="submit"
          isLoading={addMember.isPending}
          icon={<UserPlus aria-hidden className="size-4" />}
          className="sm:mt-[1.625rem]"
        >
          Add member
        </Button>
      </div>
    </form>
  );
}

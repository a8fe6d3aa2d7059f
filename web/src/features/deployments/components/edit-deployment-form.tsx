//! The edit form of a deployment: its name and the same schema-generated variable controls as
//! the create form, filled with the current values. It sends a merge patch of what changed; the
//! server checks the result as on create (422 `variables.<name>` errors land on the fields)
//! and a change of variables queues a plan, which the caller is handed to open.
import { useMemo, useState } from 'react';
import { useForm, type Path } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import { useUpdateDeployment, type Deployment, type Run, type Template } from '../api/deployments';
import { fieldsOf, valuesOf, variablesPatch, zodSchemaOf } from '../lib/schema-form';
import { VariableField, type FormValues } from './create-deployment-form';

type EditDeploymentFormProps = {
  orgId: string;
  deployment: Deployment;
  template: Template;
  /// Saved; `run` is the plan the new variables queued (null when only the name changed).
  onSaved: (run: Run | null) => void;
  onCancel: () => void;
};

export function EditDeploymentForm({ orgId, deployment, template, onSaved, onCancel }: EditDeploymentFormProps) {
  const fields = useMemo(() => fieldsOf(template.variables_schema), [template]);
  const schema = useMemo(
    () =>
      z.object({
        name: z.string().trim().min(1, 'Enter a name.').max(64, 'Use at most 64 characters.'),
        credential: z.string(),
        variables: zodSchemaOf(fields),
      }),
    [fields],
  );
  const update = useUpdateDeployment(orgId, deployment.id);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<FormValues>({
    resolver: zodResolver(schema) as never,
    defaultValues: { name: deployment.name, credential: '', variables: valuesOf(fields, deployment.variables) },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    const name = values.name.trim();
    const patch = variablesPatch(fields, values.variables, deployment.variables);
    if (name === deployment.name && Object.keys(patch).length === 0) return onSaved(null);
    update.mutate(
      { ...(name !== deployment.name ? { name } : {}), variables: patch },
      {
        onSuccess: (result) => onSaved(result.run ?? null),
        onError: (error) =>
          setFormError(
            applyServerErrors(error, setError, ['name', ...fields.map((f) => `variables.${f.name}` as Path<FormValues>)]),
          ),
      },
    );
  });

  const variableError = (name: string) => (errors.variables as Record<string, { message?: string }> | undefined)?.[name]?.message;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Edit ${deployment.name}`} className="flex flex-col gap-4">
      {formError ? <Alert>{formError}</Alert> : null}
      <TextField label="Deployment name" autoComplete="off" error={errors.name?.message} {...register('name')} />
      {fields.length > 0 ? (
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-semibold text-zinc-900">Variables</legend>
          {fields.map((f) => (
            <VariableField key={f.name} field={f} error={variableError(f.name)} register={register} />
          ))}
        </fieldset>
      ) : null}
      <p className="text-sm text-zinc-500">A change of variables queues a plan; nothing is applied before approval.</p>
      <div className="flex gap-2">
        <Button type="submit" isLoading={update.isPending}>
          Save
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

//! The create form of a template, generated from its `variables_schema`: a name, a cloud
//! account of the template's provider (none for the sandbox) and one control per variable.
//! Checks run in the browser first; the server's 422 `variables.<name>` errors land on the
//! same fields.
import { useMemo, useState } from 'react';
import { useForm, type FieldValues, type Path } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, SelectField, TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import { providerLabel } from '@/lib/providers';
import {
  useCreateDeployment,
  useCredentialChoices,
  type Deployment,
  type Template,
} from '../api/deployments';
import { defaultValuesOf, fieldsOf, toVariables, zodSchemaOf, type SchemaField, type SchemaFormValues } from '../lib/schema-form';

type CreateDeploymentFormProps = {
  orgId: string;
  template: Template;
  onCreated: (deployment: Deployment) => void;
  onCancel: () => void;
};

export type FormValues = { name: string; credential: string; variables: SchemaFormValues };

export function CreateDeploymentForm({ orgId, template, onCreated, onCancel }: CreateDeploymentFormProps) {
  const fields = useMemo(() => fieldsOf(template.variables_schema), [template]);
  const needsCredential = !template.sandbox && template.provider != null;
  const schema = useMemo(
    () =>
      z.object({
        name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
        credential: needsCredential ? z.string().min(1, 'Pick a cloud account.') : z.string(),
        variables: zodSchemaOf(fields),
      }),
    [fields, needsCredential],
  );
  const credentials = useCredentialChoices(orgId, needsCredential);
  const choices = (credentials.data?.items ?? []).filter((c) => c.provider === template.provider);
  const create = useCreateDeployment(orgId);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<FormValues>({
    resolver: zodResolver(schema) as never,
    defaultValues: { name: '', credential: '', variables: defaultValuesOf(fields) },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    create.mutate(
      {
        template: template.id,
        name: values.name.trim(),
        ...(needsCredential ? { credential: values.credential } : {}),
        variables: toVariables(fields, values.variables),
      },
      {
        onSuccess: onCreated,
        onError: (error) =>
          setFormError(
            applyServerErrors(error, setError, [
              'name',
              'credential',
              ...fields.map((f) => `variables.${f.name}` as Path<FormValues>),
            ]),
          ),
      },
    );
  });

  const variableError = (name: string) => (errors.variables as Record<string, { message?: string }> | undefined)?.[name]?.message;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={`Create ${template.title}`} className="flex flex-col gap-4">
      {formError ? <Alert>{formError}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Deployment name" autoComplete="off" error={errors.name?.message} {...register('name')} />
        {needsCredential ? (
          <SelectField
            label={`${providerLabel(template.provider)} account`}
            error={errors.credential?.message}
            hint={credentials.isSuccess && choices.length === 0 ? `Connect a ${providerLabel(template.provider)} account first.` : undefined}
            {...register('credential')}
          >
            <option value="">{credentials.isPending ? 'Loading…' : 'Pick an account'}</option>
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </SelectField>
        ) : null}
      </div>
      {fields.length > 0 ? (
        <fieldset className="grid gap-4 sm:grid-cols-2">
          <legend className="mb-2 text-sm font-semibold text-zinc-900">Variables</legend>
          {fields.map((f) => (
            <VariableField key={f.name} field={f} error={variableError(f.name)} register={register} />
          ))}
        </fieldset>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" isLoading={create.isPending}>
          Create deployment
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export type Register = ReturnType<typeof useForm<FormValues>>['register'];

function hintOf(f: SchemaField): string | undefined {
  const rules = [
    f.minimum !== undefined ? `min ${f.minimum}` : null,
    f.maximum !== undefined ? `max ${f.maximum}` : null,
    f.kind === 'list' ? 'comma-separated' : null,
  ].filter(Boolean);
  const text = [f.description, rules.length ? `(${rules.join(', ')})` : null].filter(Boolean).join(' ');
  return text || undefined;
}

/// One control per variable (also used by the edit form).
export function VariableField({ field: f, error, register }: { field: SchemaField; error?: string; register: Register }) {
  const name = `variables.${f.name}` as Path<FormValues & FieldValues>;
  const label = f.required ? `${f.label} *` : f.label;
  if (f.kind === 'boolean') {
    return (
      <Field label={label} hint={f.description} error={error}>
        {(control) => (
          <input type="checkbox" {...control} {...register(name as never)} className="size-4 accent-accent-600" />
        )}
      </Field>
    );
  }
  if (f.kind === 'enum') {
    return (
      <SelectField label={label} hint={f.description} error={error} {...register(name as never)}>
        {f.required ? null : <option value="">Default</option>}
        {f.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </SelectField>
    );
  }
  return (
    <TextField
      label={label}
      hint={hintOf(f)}
      error={error}
      inputMode={f.kind === 'number' ? 'decimal' : f.kind === 'integer' ? 'numeric' : undefined}
      autoComplete="off"
      {...register(name as never)}
    />
  );
}

//! Labelled form controls. Every control has a visible label (or a screen-reader one), its
//! hint and error are linked with aria-describedby, and an error sets aria-invalid.
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { cn } from '@/lib/cn';

type ControlProps = {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
};

type FieldProps = {
  label: string;
  hint?: string;
  error?: string;
  /// Keeps the label for screen readers only (e.g. a role picker inside a table row).
  hideLabel?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
};

export function Field({ label, hint, error, hideLabel, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  // The error replaces the hint while it is shown; it usually restates it more precisely.
  const showHint = Boolean(hint) && !error;
  const describedBy = [error ? errorId : null, showHint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <label htmlFor={id} className={cn('text-sm font-medium text-zinc-800', hideLabel && 'sr-only')}>
        {label}
      </label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {showHint ? (
        <p id={hintId} className="text-xs text-zinc-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export const controlClass = (invalid: boolean) =>
  cn(
    'block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-sm',
    'placeholder:text-zinc-400 focus:outline-2 focus:-outline-offset-1 focus:outline-accent-600',
    'disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500',
    invalid ? 'border-red-500' : 'border-zinc-300',
  );

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> &
  Omit<FieldProps, 'children' | 'className'> & { className?: string; ref?: Ref<HTMLInputElement> };

export function TextField({ label, hint, error, hideLabel, className, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} className={className}>
      {(control) => <input {...control} {...input} className={cn(controlClass(!!error), 'h-9')} />}
    </Field>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> &
  Omit<FieldProps, 'children' | 'className'> & {
    className?: string;
    children: ReactNode;
    ref?: Ref<HTMLSelectElement>;
  };

export function SelectField({ label, hint, error, hideLabel, className, children, ...select }: SelectFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} className={className}>
      {(control) => (
        <select {...control} {...select} className={cn(controlClass(!!error), 'h-9 pr-8')}>
          {children}
        </select>
      )}
    </Field>
  );
}

type TextAreaFieldProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> &
  Omit<FieldProps, 'children' | 'className'> & { className?: string; ref?: Ref<HTMLTextAreaElement> };

export function TextAreaField({ label, hint, error, hideLabel, className, ...textarea }: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} className={className}>
      {(control) => <textarea {...control} {...textarea} className={cn(controlClass(!!error), 'py-2')} />}
    </Field>
  );
}

//! The sign-up form. After the account is created it logs the new user in, so they land in
//! their first organisation straight away.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { applyServerErrors } from '@/lib/form-errors';
import { useLogin } from '../api/login';
import { PASSWORD_MIN_LENGTH, signupInputSchema, useSignup, type SignupInput } from '../api/signup';

type SignupFormProps = {
  /// Called with the new organisation's id once the user is signed up and logged in.
  onSuccess: (organizationId: string) => void;
  /// Called when the account exists but the automatic login failed.
  onLoginNeeded: () => void;
};

export function SignupForm({ onSuccess, onLoginNeeded }: SignupFormProps) {
  const signup = useSignup();
  const login = useLogin();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm<SignupInput>({
    resolver: zodResolver(signupInputSchema),
    defaultValues: { name: '', email: '', password: '' },
  });

  const onSubmit = handleSubmit((values) => {
    setFormError(null);
    signup.mutate(values, {
      onSuccess: (created) => {
        login.mutate(
          { email: values.email, password: values.password },
          { onSuccess: () => onSuccess(created.organization.id), onError: onLoginNeeded },
        );
      },
      onError: (error) => setFormError(applyServerErrors(error, setError, ['name', 'email', 'password'])),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      {formError ? <Alert>{formError}</Alert> : null}
      <TextField label="Name" autoComplete="name" autoFocus error={errors.name?.message} {...register('name')} />
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        error={errors.email?.message}
        {...register('email')}
      />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={errors.password?.message}
        {...register('password')}
      />
      <Button type="submit" isLoading={signup.isPending || login.isPending} className="mt-2 w-full">
        Create account
      </Button>
    </form>
  );
}

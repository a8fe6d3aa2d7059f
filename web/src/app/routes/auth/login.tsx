//! /login
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Alert } from '@/components/ui/alert';
import { LoginForm } from '@/features/auth/components/login-form';
import { getLastOrgId, safeNextPath } from '@/lib/navigation';
import { hasSession, signedInUserId } from '@/lib/session';
import { preloadSignedInPages } from '../preload';

export default function LoginRoute() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));

  // Only a visitor who arrives signed in is sent on from here; right after logging in,
  // onSuccess below picks where to go (it may skip the home page).
  const [signedInOnArrival] = useState(hasSession);
  if (signedInOnArrival) return <Navigate to={next} replace />;

  return (
    <AuthLayout
      title="Log in to Skyforge"
      footer={
        <>
          New to Skyforge?{' '}
          <Link to="/signup" className="font-medium text-accent-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      {params.get('expired') ? (
        <Alert tone="info" className="mb-4">
          Your session has ended. Log in again to continue.
        </Alert>
      ) : null}
      {params.get('created') ? (
        <Alert tone="success" className="mb-4">
          Your account is ready. Log in to continue.
        </Alert>
      ) : null}
      <LoginForm
        onSuccess={() => {
          // Back to the organisation this user had open last, without waiting for /v1/me to
          // list their organisations; the home page picks one otherwise.
          const lastOrgId = next === '/' ? getLastOrgId(signedInUserId()) : null;
          preloadSignedInPages(queryClient, lastOrgId);
          navigate(lastOrgId ? `/orgs/${lastOrgId}/dashboard` : next, { replace: true });
        }}
      />
    </AuthLayout>
  );
}

//! /signup
import { Link, Navigate, useNavigate } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { SignupForm } from '@/features/auth/components/signup-form';
import { hasSession } from '@/lib/session';

export default function SignupRoute() {
  const navigate = useNavigate();

  if (hasSession()) return <Navigate to="/" replace />;

  return (
    <AuthLayout
      title="Create your account"
      description="One place for your AWS, Azure and GCP resources."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="font-medium text-accent-700 hover:underline">
            Log in
          </Link>
        </>
      }
    >
      <SignupForm
        onSuccess={(orgId) => navigate(`/orgs/${orgId}/dashboard`, { replace: true })}
        onLoginNeeded={() => navigate('/login?created=1', { replace: true })}
      />
    </AuthLayout>
  );
}

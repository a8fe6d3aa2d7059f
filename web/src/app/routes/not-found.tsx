//! The page for an unknown address.
import { Link } from 'react-router';
import { Compass } from 'lucide-react';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function NotFoundRoute() {
  return (
    <div className="mx-auto max-w-lg px-4 py-16">
      <EmptyState
        icon={Compass}
        title="Page not found"
        description="The address may be mistyped, or the page may have moved."
        action={
          <Link to="/" className={buttonClass('secondary')}>
            Go to the dashboard
          </Link>
        }
      />
    </div>
  );
}

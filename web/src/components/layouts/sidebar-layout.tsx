//! The app frame: a fixed sidebar on wide screens, a top bar with a slide-in drawer on phones.
import { useEffect, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { Menu, X } from 'lucide-react';
import { cn } from '@/lib/cn';
import { Logo } from './logo';

type SidebarLayoutProps = {
  /// The sidebar's content: navigation, switchers, the user menu.
  sidebar: ReactNode;
  children: ReactNode;
};

export function SidebarLayout({ sidebar, children }: SidebarLayoutProps) {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();

  // Navigating from the drawer closes it.
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  useEffect(() => {
    if (!drawerOpen) return;
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') setDrawerOpen(false);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [drawerOpen]);

  return (
    <div className="min-h-dvh bg-zinc-50">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow"
      >
        Skip to content
      </a>

      {/* Phone: top bar and drawer. */}
      <div className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-zinc-200 bg-white px-4 lg:hidden">
        <Logo />
        <button
          type="button"
          aria-expanded={drawerOpen}
          aria-controls="sidebar"
          onClick={() => setDrawerOpen(true)}
          className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-accent-600"
        >
          <Menu aria-hidden className="size-5" />
          <span className="sr-only">Open navigation</span>
        </button>
      </div>
      {drawerOpen ? (
        <div aria-hidden className="fixed inset-0 z-40 bg-zinc-900/40 lg:hidden" onClick={() => setDrawerOpen(false)} />
      ) : null}

      <aside
        id="sidebar"
        className={cn(
          'fixed inset-y-0 left-0 z-50 flex w-72 flex-col border-r border-zinc-200 bg-white transition-transform lg:w-64 lg:translate-x-0',
          drawerOpen ? 'translate-x-0' : '-translate-x-full',
          // Off-screen on phones: hidden from keyboard and screen readers until opened.
          !drawerOpen && 'max-lg:invisible',
        )}
      >
        <div className="flex h-14 shrink-0 items-center justify-between px-5">
          <Logo />
          <button
            type="button"
            onClick={() => setDrawerOpen(false)}
            className="rounded-md p-2 text-zinc-500 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-accent-600 lg:hidden"
          >
            <X aria-hidden className="size-5" />
            <span className="sr-only">Close navigation</span>
          </button>
        </div>
        <div className="flex min-h-0 flex-1 flex-col">{sidebar}</div>
      </aside>

      <main id="main" tabIndex={-1} className="focus:outline-none lg:pl-64">
        <div className="mx-auto max-w-6xl px-4 py-6 sm:px-6 lg:px-8 lg:py-8">{children}</div>
      </main>
    </div>
  );
}

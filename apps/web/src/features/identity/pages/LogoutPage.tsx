// /logout: ends the session (for links and bookmarks; the user menu does the same) and goes to
// the login page.
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { PageLoader } from '../../../components/PageLoader.tsx';
import { useLogOut } from '../api/logout.ts';

export function LogoutPage() {
  const navigate = useNavigate();
  const logOut = useLogOut();
  const started = useRef(false);

  useEffect(() => {
    // Once, even when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    logOut.mutate(undefined, {
      onSettled: () => {
        void navigate('/login', { replace: true });
      },
    });
  }, [logOut, navigate]);

  return <PageLoader label="Signing you out…" />;
}

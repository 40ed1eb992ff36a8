import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderRoutes } from '../../test/render.tsx';
import { RouteErrorPage } from './RouteErrorPage.tsx';

afterEach(() => {
  vi.restoreAllMocks();
});

function renderFailingRoute(error: Error) {
  // React logs errors caught by the error boundary; they are expected here.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  return renderRoutes(
    [
      {
        path: '/page',
        errorElement: <RouteErrorPage />,
        lazy: () => Promise.reject(error),
      },
    ],
    '/page',
  );
}

describe('RouteErrorPage', () => {
  it('asks for a reload when a page file of an older build is gone', async () => {
    renderFailingRoute(
      new TypeError('Failed to fetch dynamically imported module: /assets/AdminUsersPage-x.js'),
    );
    expect(await screen.findByText('OpenRegistrar has been updated')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
  });

  it('shows any other crash with its message', async () => {
    renderFailingRoute(new Error('boom in render'));
    expect(await screen.findByText('This page ran into a problem')).toBeInTheDocument();
    expect(screen.getByText('boom in render')).toBeInTheDocument();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFetch, json, problem } from '../../../test/fetch-double.ts';
import { renderRoutes } from '../../../test/render.tsx';
import { LoginPage } from './LoginPage.tsx';

afterEach(() => {
  vi.unstubAllGlobals();
});

const student = {
  id: 'u1',
  name: 'Ada Lovelace',
  email: 'ada@example.edu',
  roles: ['student'],
};

function renderLogin(path = '/login') {
  return renderRoutes(
    [
      { path: '/login', element: <LoginPage /> },
      { path: '/profile', element: <p>Profile page</p> },
      { path: '/', element: <p>Home page</p> },
    ],
    path,
  );
}

describe('LoginPage', () => {
  it('blocks an empty form, marks both fields invalid and focuses the first', async () => {
    const { fetchMock } = installFetch({});
    const user = userEvent.setup();
    renderLogin();

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const login = screen.getByLabelText(/Email or username/);
    const password = screen.getByLabelText(/^Password/);
    expect(await screen.findByText('Enter your email address or username')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(login).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(login).toHaveFocus());
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('submits with the keyboard and shows the refusal in an alert', async () => {
    const { requests } = installFetch({
      'POST /api/v1/auth/login': () =>
        problem(401, 'invalid_credentials', 'The login or the password is wrong.'),
    });
    const user = userEvent.setup();
    renderLogin();

    await user.type(screen.getByLabelText(/Email or username/), '  ada@example.edu ');
    await user.type(screen.getByLabelText(/^Password/), 'not-my-password{Enter}');

    const alert = await screen.findByTestId('problem-alert');
    expect(alert).toHaveTextContent('Could not sign you in');
    expect(alert).toHaveTextContent('The login or the password is wrong.');
    expect(requests[0]?.body).toEqual({ login: 'ada@example.edu', password: 'not-my-password' });
  });

  it('puts server field errors on the matching input instead of an alert', async () => {
    installFetch({
      'POST /api/v1/auth/login': () =>
        problem(400, 'validation_failed', 'Some fields are missing or invalid.', {
          errors: [
            { code: 'invalid', message: 'must be at most 254 characters', path: 'body.login' },
          ],
        }),
    });
    const user = userEvent.setup();
    renderLogin();

    await user.type(screen.getByLabelText(/Email or username/), 'someone');
    await user.type(screen.getByLabelText(/^Password/), 'secret-secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Must be at most 254 characters')).toBeInTheDocument();
    expect(screen.getByLabelText(/Email or username/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('problem-alert')).not.toBeInTheDocument();
  });

  it('goes on to the page named in ?next= once signed in', async () => {
    installFetch({
      'POST /api/v1/auth/login': () =>
        json(200, { user: student, accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
      'GET /api/v1/me': () => json(200, student),
    });
    const user = userEvent.setup();
    renderLogin('/login?next=%2Fprofile');

    await user.type(screen.getByLabelText(/Email or username/), 'ada');
    await user.type(screen.getByLabelText(/^Password/), 'correct-horse-battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Profile page')).toBeInTheDocument();
  });

  it('does not follow a ?next= that leaves the site', async () => {
    installFetch({
      'POST /api/v1/auth/login': () =>
        json(200, { user: student, accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
      'GET /api/v1/me': () => json(200, student),
    });
    const user = userEvent.setup();
    renderLogin('/login?next=%2F%2Fevil.example');

    await user.type(screen.getByLabelText(/Email or username/), 'ada');
    await user.type(screen.getByLabelText(/^Password/), 'correct-horse-battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Home page')).toBeInTheDocument();
  });
});

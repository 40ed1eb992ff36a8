// The app's routes: signed-out pages in the AuthLayout, everything else behind the session guard.
import { createBrowserRouter, type RouteObject } from 'react-router';
import { ForgotPasswordPage } from '../features/identity/pages/ForgotPasswordPage.tsx';
import { LoginPage } from '../features/identity/pages/LoginPage.tsx';
import { LogoutPage } from '../features/identity/pages/LogoutPage.tsx';
import { ProfilePage } from '../features/identity/pages/ProfilePage.tsx';
import { ResetPasswordPage } from '../features/identity/pages/ResetPasswordPage.tsx';
import { SignUpPage } from '../features/identity/pages/SignUpPage.tsx';
import { PageLoader } from '../components/PageLoader.tsx';
import { RedirectIfSignedIn, RequireRole, RequireSignedIn } from './guards.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { AuthLayout } from './layout/AuthLayout.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { RouteErrorPage } from './pages/RouteErrorPage.tsx';

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    // Shown while a lazily loaded page (e.g. an admin page opened directly) arrives.
    hydrateFallbackElement: <PageLoader />,
    children: [
      {
        element: (
          <RedirectIfSignedIn>
            <AuthLayout />
          </RedirectIfSignedIn>
        ),
        children: [
          { path: 'login', element: <LoginPage /> },
          { path: 'signup', element: <SignUpPage /> },
          { path: 'forgot-password', element: <ForgotPasswordPage /> },
        ],
      },
      { path: 'logout', element: <LogoutPage /> },
      {
        // A reset link works whether or not someone is signed in on this browser.
        element: <AuthLayout />,
        children: [{ path: 'reset-password', element: <ResetPasswordPage /> }],
      },
      {
        element: (
          <RequireSignedIn>
            <AppLayout />
          </RequireSignedIn>
        ),
        children: [
          { index: true, element: <HomePage /> },
          { path: 'profile', element: <ProfilePage /> },
          {
            // The catalog: every signed-in user may browse it.
            path: 'catalog',
            children: [
              {
                index: true,
                lazy: async () => {
                  const { CatalogSearchPage } =
                    await import('../features/catalog/pages/CatalogSearchPage.tsx');
                  return { Component: CatalogSearchPage };
                },
              },
              {
                path: 'courses/:courseId',
                lazy: async () => {
                  const { CoursePage } = await import('../features/catalog/pages/CoursePage.tsx');
                  return { Component: CoursePage };
                },
              },
              {
                path: 'sections/:sectionId',
                lazy: async () => {
                  const { SectionPage } = await import('../features/catalog/pages/SectionPage.tsx');
                  return { Component: SectionPage };
                },
              },
            ],
          },
          {
            // Registration (student): cart, my registrations, schedule.
            element: <RequireRole roles={['student']} />,
            children: [
              {
                path: 'registration/cart',
                lazy: async () => {
                  const { CartPage } = await import('../features/registration/pages/CartPage.tsx');
                  return { Component: CartPage };
                },
              },
              {
                path: 'registrations',
                lazy: async () => {
                  const { MyRegistrationsPage } =
                    await import('../features/registration/pages/MyRegistrationsPage.tsx');
                  return { Component: MyRegistrationsPage };
                },
              },
              {
                path: 'schedule',
                lazy: async () => {
                  const { SchedulePage } =
                    await import('../features/registration/pages/SchedulePage.tsx');
                  return { Component: SchedulePage };
                },
              },
            ],
          },
          {
            // Registration (teaching): an instructor's sections, rosters, wait-lists, permits.
            path: 'teaching',
            element: <RequireRole roles={['instructor', 'admin']} />,
            children: [
              {
                index: true,
                lazy: async () => {
                  const { TeachingPage } =
                    await import('../features/registration/pages/TeachingPage.tsx');
                  return { Component: TeachingPage };
                },
              },
              {
                path: 'sections/:sectionId',
                lazy: async () => {
                  const { SectionRosterPage } =
                    await import('../features/registration/pages/SectionRosterPage.tsx');
                  return { Component: SectionRosterPage };
                },
              },
            ],
          },
          {
            path: 'billing',
            element: <RequireRole roles={['student']} />,
            children: [
              {
                index: true,
                lazy: async () => {
                  const { StudentAccountPage } =
                    await import('../features/billing/pages/StudentAccountPage.tsx');
                  return { Component: StudentAccountPage };
                },
              },
            ],
          },
          {
            path: 'admin',
            element: <RequireRole roles={['admin']} />,
            children: [
              {
                path: 'catalog',
                lazy: async () => {
                  const { AdminCatalogPage } =
                    await import('../features/catalog/pages/AdminCatalogPage.tsx');
                  return { Component: AdminCatalogPage };
                },
              },
              {
                path: 'imports',
                lazy: async () => {
                  const { AdminImportPage } =
                    await import('../features/catalog/pages/AdminImportPage.tsx');
                  return { Component: AdminImportPage };
                },
              },
              {
                path: 'billing',
                lazy: async () => {
                  const { AdminBillingPage } =
                    await import('../features/billing/pages/AdminBillingPage.tsx');
                  return { Component: AdminBillingPage };
                },
              },
              {
                path: 'billing/:studentId',
                lazy: async () => {
                  const { AdminStudentAccountPage } =
                    await import('../features/billing/pages/AdminStudentAccountPage.tsx');
                  return { Component: AdminStudentAccountPage };
                },
              },
              {
                path: 'tuition',
                lazy: async () => {
                  const { AdminTuitionPage } =
                    await import('../features/billing/pages/AdminTuitionPage.tsx');
                  return { Component: AdminTuitionPage };
                },
              },
              {
                path: 'registration',
                lazy: async () => {
                  const { AdminRegistrationPage } =
                    await import('../features/registration/pages/AdminRegistrationPage.tsx');
                  return { Component: AdminRegistrationPage };
                },
              },
              {
                path: 'users',
                lazy: async () => {
                  const { AdminUsersPage } =
                    await import('../features/identity/pages/AdminUsersPage.tsx');
                  return { Component: AdminUsersPage };
                },
              },
              {
                path: 'outbox',
                lazy: async () => {
                  const { AdminOutboxPage } =
                    await import('../features/identity/pages/AdminOutboxPage.tsx');
                  return { Component: AdminOutboxPage };
                },
              },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}

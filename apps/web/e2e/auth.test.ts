// A new student's first visit, in real Chromium against the real API and the built web app:
// sign up, sign out, sign in, see the profile, on a desktop and on a phone. Then an administrator
// resets a password through the outbox and manages users.
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DESKTOP,
  watchPage,
  launchBrowser,
  PHONE,
  screenshot,
  startApi,
  type RunningApi,
} from './harness.ts';

const suffix = randomBytes(4).toString('hex');
const student = {
  name: 'Grace Hopper',
  email: `grace.${suffix}@example.edu`,
  password: 'compiler-pioneer-1906',
};
const admin = {
  name: 'Registrar Admin',
  email: `registrar.${suffix}@example.edu`,
  password: 'office-of-the-registrar-42',
};

/** One step (a click, a page load) never takes this long unless something is broken. */
const STEP_TIMEOUT_MS = 30_000;

let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  api = await startApi({ admin });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/**
 * A page whose failures explain themselves: on a failed test, a screenshot of the moment and the
 * browser's console errors and failed API calls are saved next to the other screenshots.
 */
async function watched(context: BrowserContext): Promise<Page> {
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchPage(page);
  return page;
}

async function desktopPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: api.baseUrl });
  return { context, page: await watched(context) };
}

async function phonePage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    baseURL: api.baseUrl,
  });
  return { context, page: await watched(context) };
}

/** Whether any part of the navbar is inside the viewport. */
async function navbarOnScreen(page: Page): Promise<boolean> {
  const box = await page.getByTestId('app-navbar').boundingBox();
  return box !== null && box.x + box.width > 0 && box.x < (page.viewportSize()?.width ?? 0);
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel(/^Email or username/).fill(login);
  await page.getByRole('textbox', { name: /^Password/ }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}

describe('a student on a desktop', () => {
  it('signs up, signs out, signs in again and sees the profile', async () => {
    const { context, page } = await desktopPage();

    // A visitor with no session lands on the login page.
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'desktop-1-login');

    // Submitting nothing explains what is missing, on the fields themselves.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your email address or username').waitFor();
    await expect(page.getByLabel(/^Email or username/).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await screenshot(page, 'desktop-2-login-validation');

    // Sign up.
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL((url) => url.pathname === '/signup');
    await page.getByLabel(/^Full name/).fill(student.name);
    await page.getByLabel(/^Email/).fill(student.email);
    await page.getByRole('textbox', { name: /^Password/ }).fill('short');
    await page.getByLabel(/^Confirm password/).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 10 characters').waitFor();
    await screenshot(page, 'desktop-3-signup-validation');
    await page.getByRole('textbox', { name: /^Password/ }).fill(student.password);
    await page.getByLabel(/^Confirm password/).fill(student.password);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Signed in straight away, greeted by first name.
    await page.waitForURL((url) => url.pathname === '/');
    const greeting = page.getByTestId('home-greeting');
    await greeting.waitFor();
    await expect(greeting.textContent()).resolves.toContain('Grace');
    await screenshot(page, 'desktop-4-home');

    // Sign out: the session is gone, protected pages send the visitor to the login.
    await signOut(page);
    await page.getByText('You have signed out.').waitFor();
    await page.goto('/profile');
    await page.waitForURL((url) => url.pathname === '/login');
    expect(pathOf(page)).toBe('/login?next=%2Fprofile');

    // A wrong password is refused with an alert, and the user can try again.
    await signIn(page, student.email, 'not-the-password-at-all');
    const alert = page.getByTestId('problem-alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Could not sign you in');
    await screenshot(page, 'desktop-5-login-refused');

    // Sign in again and come back to the profile that was asked for.
    await signIn(page, student.email, student.password);
    await page.waitForURL((url) => url.pathname === '/profile');
    await expect(page.getByTestId('profile-name').textContent()).resolves.toBe(student.name);
    await expect(page.getByTestId('profile-email').textContent()).resolves.toBe(student.email);
    await page.getByTestId('profile-student-number').waitFor();
    await screenshot(page, 'desktop-6-profile');

    // Editing the profile is a cookie-authenticated mutation: it needs the CSRF header.
    const fullName = `${student.name} Brewster`;
    await page.getByRole('textbox', { name: /^Full name/ }).fill(fullName);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    await page.getByTestId('profile-name').filter({ hasText: fullName }).waitFor();

    // The cookie session survives a reload.
    await page.reload();
    await expect(page.getByTestId('profile-name').textContent()).resolves.toBe(fullName);

    // A student sees no administration links, and an admin page answers 403.
    await expect(page.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await page.goto('/admin/users');
    await page.getByText('You do not have access to this page').waitFor();

    await context.close();
  });
});

describe('a student on a phone', () => {
  it('signs in, opens the navigation from the burger and sees the profile', async () => {
    const { context, page } = await phonePage();
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'phone-1-login');

    await signIn(page, student.email, student.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByTestId('home-greeting').waitFor();
    await screenshot(page, 'phone-2-home');

    // The navbar is folded away (off screen, out of the tab order) until the burger opens it.
    const navbar = page.getByTestId('app-navbar');
    await expect(navbarOnScreen(page)).resolves.toBe(false);
    await expect(navbar.getAttribute('inert')).resolves.not.toBeNull();
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-testid="app-navbar"]')?.getBoundingClientRect();
      return box !== undefined && box.left >= 0 && box.width > 0;
    });
    await expect(navbar.getAttribute('inert')).resolves.toBeNull();
    await screenshot(page, 'phone-3-navigation');
    await navbar.getByRole('link', { name: 'Profile' }).click();
    await page.waitForURL((url) => url.pathname === '/profile');
    await page.getByTestId('profile-name').waitFor();
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-testid="app-navbar"]')?.getBoundingClientRect();
      return box !== undefined && box.right <= 0;
    });
    await screenshot(page, 'phone-4-profile');

    // /logout (for links and bookmarks) ends the session like the menu does.
    await page.goto('/logout');
    await page.waitForURL((url) => url.pathname === '/login');
    await page.goto('/profile');
    await page.waitForURL((url) => url.pathname === '/login');
    await context.close();
  });
});

describe('an administrator', () => {
  it('reads a reset link in the outbox, and the student sets a new password with it', async () => {
    const { context, page } = await desktopPage();

    // The student asks for a reset link.
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel(/^Email/).fill(student.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText('Check your email').waitFor();

    // With no SMTP server, the administrator finds the mail in the outbox.
    await page.goto('/login');
    await signIn(page, admin.email, admin.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Outbox' }).first().click();
    await page.waitForURL((url) => url.pathname === '/admin/outbox');
    const row = page.getByRole('row').filter({ hasText: student.email });
    await row.first().waitFor();
    await screenshot(page, 'desktop-7-outbox');
    await row.first().getByRole('button', { name: /^Read/ }).click();
    const link = page.getByTestId('outbox-body').getByRole('link').first();
    await link.waitFor();
    await screenshot(page, 'desktop-8-outbox-mail');
    const href = await link.getAttribute('href');
    expect(href).toContain('/reset-password?token=');
    await page.keyboard.press('Escape');
    await signOut(page);

    // The link leads to a new password, then to the login with it.
    const resetUrl = new URL(href!);
    await page.goto(`${resetUrl.pathname}${resetUrl.search}`);
    const newPassword = 'a-brand-new-passphrase-77';
    await page.getByLabel(/^New password/).fill(newPassword);
    await page.getByLabel(/^Confirm new password/).fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByText('Password changed').waitFor();
    await signIn(page, student.email, newPassword);
    await page.waitForURL((url) => url.pathname === '/');
    student.password = newPassword;
    await signOut(page);

    await context.close();
  });

  it('finds users by search and role, and creates an instructor', async () => {
    const { context, page } = await desktopPage();
    await page.goto('/login');
    await signIn(page, admin.email, admin.password);
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Users' }).first().click();
    await page.waitForURL((url) => url.pathname === '/admin/users');

    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('row').filter({ hasText: student.email }).waitFor();
    await table.getByRole('row').filter({ hasText: admin.email }).waitFor();
    await screenshot(page, 'desktop-9-users');

    // Search narrows the list to the student.
    await page.getByLabel('Search').fill('grace');
    await table.getByRole('row').filter({ hasText: admin.email }).waitFor({ state: 'detached' });
    await table.getByRole('row').filter({ hasText: student.email }).waitFor();
    await page.getByLabel('Search').fill('');

    // Create an instructor through the modal.
    const instructorEmail = `lin.${suffix}@example.edu`;
    await page.getByRole('button', { name: 'Create user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create user' });
    await dialog.getByLabel(/^Full name/).fill('Lin Instructor');
    await dialog.getByLabel(/^Email/).fill(instructorEmail);
    await dialog.getByLabel('Student').uncheck();
    await dialog.getByLabel('Instructor').check();
    await dialog.getByLabel(/^Initial password/).fill('teaching-is-learning-twice');
    await screenshot(page, 'desktop-10-create-user');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    const created = table.getByRole('row').filter({ hasText: instructorEmail });
    await created.waitFor();
    await expect(created.textContent()).resolves.toContain('instructor');

    // The role filter shows instructors only.
    await page.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Instructor' }).click();
    await table.getByRole('row').filter({ hasText: student.email }).waitFor({ state: 'detached' });
    await created.waitFor();

    await signOut(page);
    await context.close();
  });
});

// Role-aware navigation. A link appears only when its page exists (`ready`) and the user holds
// one of its roles, so the menu never leads to a broken page while features are being built.
import type { ComponentType } from 'react';
import {
  IconBook,
  IconCalendar,
  IconChalkboard,
  IconClipboard,
  IconCompass,
  IconHistory,
  IconHome,
  IconMail,
  IconSettings,
  IconUser,
  IconUsers,
  type IconProps,
} from '../components/icons.tsx';
import type { Role } from '../features/identity/api/types.ts';
import {
  IconCoins,
  IconCreditCard,
  IconReceipt,
} from '../features/billing/components/billing-icons.tsx';
import { IconUpload } from '../features/catalog/components/catalog-icons.tsx';

export interface NavItem {
  label: string;
  to: string;
  icon: ComponentType<IconProps>;
  /** Absent: every signed-in user. */
  roles?: readonly Role[];
  /** False until the feature's page is built. */
  ready: boolean;
}

export interface NavSection {
  title: string | null;
  items: readonly NavItem[];
}

export const NAV_SECTIONS: readonly NavSection[] = [
  {
    title: null,
    items: [
      { label: 'Home', to: '/', icon: IconHome, ready: true },
      { label: 'Profile', to: '/profile', icon: IconUser, ready: true },
      // Everyone browses the catalog: students to register, staff to look sections up.
      { label: 'Catalog', to: '/catalog', icon: IconBook, ready: true },
    ],
  },
  {
    title: 'Student',
    items: [
      {
        label: 'Registration cart',
        to: '/registration/cart',
        icon: IconClipboard,
        roles: ['student'],
        ready: true,
      },
      {
        label: 'My registrations',
        to: '/registrations',
        icon: IconClipboard,
        roles: ['student'],
        ready: true,
      },
      { label: 'Schedule', to: '/schedule', icon: IconCalendar, roles: ['student'], ready: true },
      {
        label: 'Account & payments',
        to: '/billing',
        icon: IconCreditCard,
        roles: ['student'],
        ready: true,
      },
    ],
  },
  {
    title: 'Teaching',
    items: [
      {
        label: 'My sections',
        to: '/teaching',
        icon: IconChalkboard,
        roles: ['instructor'],
        ready: true,
      },
    ],
  },
  {
    title: 'Advising',
    items: [
      { label: 'Advisees', to: '/advisees', icon: IconCompass, roles: ['advisor'], ready: false },
    ],
  },
  {
    title: 'Administration',
    items: [
      { label: 'Users', to: '/admin/users', icon: IconUsers, roles: ['admin'], ready: true },
      {
        label: 'Terms & catalog',
        to: '/admin/catalog',
        icon: IconSettings,
        roles: ['admin'],
        ready: true,
      },
      {
        label: 'Catalog import',
        to: '/admin/imports',
        icon: IconUpload,
        roles: ['admin'],
        ready: true,
      },
      {
        label: 'Student accounts',
        to: '/admin/billing',
        icon: IconCoins,
        roles: ['admin'],
        ready: true,
      },
      {
        label: 'Tuition setup',
        to: '/admin/tuition',
        icon: IconReceipt,
        roles: ['admin'],
        ready: true,
      },
      { label: 'Outbox', to: '/admin/outbox', icon: IconMail, roles: ['admin'], ready: true },
      {
        label: 'Registration desk',
        to: '/admin/registration',
        icon: IconClipboard,
        roles: ['admin'],
        ready: true,
      },
      // The audit log is a tab of the registration desk (/admin/registration?tab=audit).
      { label: 'Audit', to: '/admin/audit', icon: IconHistory, roles: ['admin'], ready: false },
    ],
  },
];

/** The sections and links this user may see, empty sections left out. */
export function navigationFor(roles: readonly Role[]): NavSection[] {
  return NAV_SECTIONS.map((section) => ({
    title: section.title,
    items: section.items.filter(
      (item) =>
        item.ready && (item.roles === undefined || item.roles.some((role) => roles.includes(role))),
    ),
  })).filter((section) => section.items.length > 0);
}

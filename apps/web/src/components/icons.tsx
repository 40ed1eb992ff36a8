// Line icons (24×24, stroke follows the text colour): the navigation's here, and `LineIcon`, the
// frame the feature modules draw their own icons in.
import type { ReactNode, SVGProps } from 'react';

export type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'> & { size?: number };

export function LineIcon(props: IconProps & { children: ReactNode }) {
  const { size = 20, children, ...rest } = props;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  );
}

export const IconHome = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M4 11 12 4l8 7" />
    <path d="M6 9.5V20h12V9.5" />
    <path d="M10 20v-5h4v5" />
  </LineIcon>
);

export const IconUser = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="12" cy="8" r="4" />
    <path d="M4 20c1.5-3.5 4.5-5 8-5s6.5 1.5 8 5" />
  </LineIcon>
);

export const IconUsers = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="9" cy="8" r="3.5" />
    <path d="M2.5 19c1.2-3 3.6-4.5 6.5-4.5s5.3 1.5 6.5 4.5" />
    <path d="M16 4.7a3.5 3.5 0 0 1 0 6.6" />
    <path d="M18 14.8c1.6.7 2.8 2.1 3.5 4.2" />
  </LineIcon>
);

export const IconBook = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M4 5.5C4 4.7 4.7 4 5.5 4H11v16H5.5c-.8 0-1.5-.7-1.5-1.5z" />
    <path d="M20 5.5c0-.8-.7-1.5-1.5-1.5H13v16h5.5c.8 0 1.5-.7 1.5-1.5z" />
  </LineIcon>
);

export const IconClipboard = (p: IconProps) => (
  <LineIcon {...p}>
    <rect x="5" y="4.5" width="14" height="16" rx="2" />
    <path d="M9 4.5V3.5h6v1" />
    <path d="m9 13 2 2 4-4" />
  </LineIcon>
);

export const IconCalendar = (p: IconProps) => (
  <LineIcon {...p}>
    <rect x="4" y="5" width="16" height="15" rx="2" />
    <path d="M4 10h16M9 3v4M15 3v4" />
  </LineIcon>
);

export const IconChalkboard = (p: IconProps) => (
  <LineIcon {...p}>
    <rect x="3" y="4" width="18" height="12" rx="1.5" />
    <path d="M8 20l2-4M16 20l-2-4M7 8h6M7 11h4" />
  </LineIcon>
);

export const IconCompass = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="12" cy="12" r="8.5" />
    <path d="m15.5 8.5-2 5-5 2 2-5z" />
  </LineIcon>
);

export const IconSettings = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M4 7h10M18 7h2M4 17h2M10 17h10" />
    <circle cx="16" cy="7" r="2" />
    <circle cx="8" cy="17" r="2" />
  </LineIcon>
);

export const IconMail = (p: IconProps) => (
  <LineIcon {...p}>
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <path d="m4 7 8 6 8-6" />
  </LineIcon>
);

export const IconHistory = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M3.5 12a8.5 8.5 0 1 0 2.5-6" />
    <path d="M3.5 4v4h4" />
    <path d="M12 8v4l3 2" />
  </LineIcon>
);

export const IconLogout = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M14 5V4.5A1.5 1.5 0 0 0 12.5 3h-7A1.5 1.5 0 0 0 4 4.5v15A1.5 1.5 0 0 0 5.5 21h7a1.5 1.5 0 0 0 1.5-1.5V19" />
    <path d="M10 12h10M17 9l3 3-3 3" />
  </LineIcon>
);

export const IconAlert = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7.5v5.5M12 16.5v.01" />
  </LineIcon>
);

export const IconCheck = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="m8 12.5 2.7 2.5L16 9.5" />
  </LineIcon>
);

export const IconSearch = (p: IconProps) => (
  <LineIcon {...p}>
    <circle cx="11" cy="11" r="6.5" />
    <path d="m16 16 4 4" />
  </LineIcon>
);

export const IconPlus = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M12 5v14M5 12h14" />
  </LineIcon>
);

export const IconChevronDown = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="m6 9 6 6 6-6" />
  </LineIcon>
);

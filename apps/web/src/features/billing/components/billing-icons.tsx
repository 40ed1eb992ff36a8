// Line icons of the billing pages, drawn like the shell's (24×24, stroke follows the text colour).
import { LineIcon, type IconProps } from '../../../components/icons.tsx';

export const IconCreditCard = (p: IconProps) => (
  <LineIcon {...p}>
    <rect x="3" y="5.5" width="18" height="13" rx="2" />
    <path d="M3 10h18" />
    <path d="M7 15h3" />
  </LineIcon>
);

export const IconReceipt = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M6 3.5h12v17l-2-1.3-2 1.3-2-1.3-2 1.3-2-1.3-2 1.3z" />
    <path d="M9 8h6M9 11.5h6M9 15h4" />
  </LineIcon>
);

export const IconCoins = (p: IconProps) => (
  <LineIcon {...p}>
    <ellipse cx="9" cy="7" rx="5" ry="2.5" />
    <path d="M4 7v4c0 1.4 2.2 2.5 5 2.5s5-1.1 5-2.5V7" />
    <path d="M10 16.3c.9.9 2.8 1.5 5 1.5 2.8 0 5-1.1 5-2.5v-4c0-1.3-2-2.4-4.6-2.5" />
  </LineIcon>
);

export const IconDownload = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M12 4v11" />
    <path d="m7.5 10.5 4.5 4.5 4.5-4.5" />
    <path d="M5 19.5h14" />
  </LineIcon>
);

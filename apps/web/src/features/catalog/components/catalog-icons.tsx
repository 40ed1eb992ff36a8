// Line icons of the catalog pages, drawn like the shell's (24×24, stroke follows the text colour).
import { LineIcon, type IconProps } from '../../../components/icons.tsx';

export const IconUpload = (p: IconProps) => (
  <LineIcon {...p}>
    <path d="M12 15V4" />
    <path d="m7.5 8.5 4.5-4.5 4.5 4.5" />
    <path d="M4 15v3.5c0 .8.7 1.5 1.5 1.5h13c.8 0 1.5-.7 1.5-1.5V15" />
  </LineIcon>
);

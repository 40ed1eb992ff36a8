// A button that fetches a file through the API and saves it, or opens it in a new tab. A plain
// link cannot refresh an expired session: after a quarter of an hour idle it saved the 401 instead.
import { Button, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type ReactNode } from 'react';
import { describeError, saveFile, type ApiFile } from '../lib/api.ts';

export interface DownloadButtonProps extends Omit<ButtonProps, 'loading' | 'onClick'> {
  /** Fetches the file (apiFile), when clicked. */
  file: () => Promise<ApiFile>;
  /** Open it in a new tab (a printable page) instead of saving it. */
  openInNewTab?: boolean;
  children: ReactNode;
}

export function DownloadButton({ file, openInNewTab, children, ...button }: DownloadButtonProps) {
  const [busy, setBusy] = useState(false);
  async function download(): Promise<void> {
    // The tab is opened within the click, or the browser's pop-up blocker stops it.
    const tab = openInNewTab ? window.open('', '_blank') : null;
    setBusy(true);
    try {
      const fetched = await file();
      if (tab) {
        tab.location.href = URL.createObjectURL(fetched.blob);
      } else {
        saveFile(fetched);
      }
    } catch (error) {
      tab?.close();
      notifications.show({ color: 'red', title: 'Download failed', message: describeError(error) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button {...button} loading={busy} onClick={() => void download()}>
      {children}
    </Button>
  );
}

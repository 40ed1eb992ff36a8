// Outgoing mail goes through an outbox table: kept for the admin mailbox page in embedded mode,
// delivered over SMTP when SMTP_URL is set.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { newId } from './ids.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** Records the message in the outbox inside the caller's transaction; returns its id. */
  enqueue(executor: Kysely<DB>, message: MailMessage): Promise<string>;
  /** Tries to deliver unsent mail over SMTP; a no-op without SMTP. Returns how many were sent. */
  deliverPending(limit?: number): Promise<number>;
  readonly delivers: boolean;
}

export function createMailer(deps: {
  db: Kysely<DB>;
  config: Pick<Config, 'smtpUrl' | 'mailFrom'>;
}): Mailer {
  let transporter: Transporter | undefined;
  const smtpUrl = deps.config.smtpUrl;
  if (smtpUrl) transporter = nodemailer.createTransport(smtpUrl);

  return {
    delivers: transporter !== undefined,
    async enqueue(executor, message) {
      const id = newId();
      await executor
        .insertInto('mail_outbox')
        .values({
          id,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
        })
        .execute();
      return id;
    },
    async deliverPending(limit = 50) {
      if (!transporter) return 0;
      const pending = await deps.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('sent_at', 'is', null)
        .where('attempts', '<', 5)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      let sent = 0;
      for (const mail of pending) {
        try {
          await transporter.sendMail({
            from: deps.config.mailFrom,
            to: mail.to_address,
            subject: mail.subject,
            text: mail.text_body,
            ...(mail.html_body ? { html: mail.html_body } : {}),
          });
          await deps.db
            .updateTable('mail_outbox')
            .set((eb) => ({
              sent_at: new Date(),
              attempts: eb('attempts', '+', 1),
              last_error: null,
            }))
            .where('id', '=', mail.id)
            .execute();
          sent += 1;
        } catch (error) {
          await deps.db
            .updateTable('mail_outbox')
            .set((eb) => ({
              attempts: eb('attempts', '+', 1),
              last_error: error instanceof Error ? error.message : String(error),
            }))
            .where('id', '=', mail.id)
            .execute();
        }
      }
      return sent;
    },
  };
}

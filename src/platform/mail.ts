/** Sending e-mail over SMTP (nodemailer). Without SMTP_URL, mail stays in the outbox. */
import nodemailer from 'nodemailer';

export interface MailTransport {
  /** Sends one message; `id` (the outbox row) becomes its Message-ID, the same on every attempt. */
  send(message: { id: string; to: string; subject: string; text: string; html?: string | null }): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'techpass.localhost';
  return {
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        // A message sent again (after a crash between acceptance and recording) keeps its Message-ID, so it can be recognised.
        messageId: `<${message.id}@${domain}>`,
        ...(message.html ? { html: message.html } : {}),
      });
    },
    close: () => transporter.close(),
  };
}

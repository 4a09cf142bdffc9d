/** Sending e-mail over SMTP (nodemailer). Without SMTP_URL, mail stays in the outbox. */
import nodemailer from 'nodemailer';

export interface MailTransport {
  send(message: { to: string; subject: string; text: string; html?: string | null }): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transporter.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
      });
    },
    close: () => transporter.close(),
  };
}

// The one mail Herald sends an address before it is confirmed: who asked for what, and the link. It is
// not a bulk mail (no List-Unsubscribe): ignoring it is the way out, and says so.

import type { Transporter } from 'nodemailer';
import { escapeHtml } from '../templates/html/escape.js';

export interface ConfirmationMail {
  to: string;
  siteTitle: string;
  confirmUrl: string;
  /** `every system and service`, or the components named. */
  scopeText: string;
}

export interface ConfirmationMailer {
  send(mail: ConfirmationMail): Promise<void>;
}

export function renderConfirmationMail(mail: ConfirmationMail): {
  subject: string;
  text: string;
  html: string;
} {
  const subject = `Confirm your subscription to ${mail.siteTitle}`;
  const lines = [
    `Someone, hopefully you, asked to receive status updates from ${mail.siteTitle} at this address, for ${mail.scopeText}.`,
    '',
    'To confirm, follow this link within 48 hours:',
    mail.confirmUrl,
    '',
    'If it was not you, ignore this mail: nothing more will be sent to this address.',
  ];
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body>
<p>Someone, hopefully you, asked to receive status updates from ${escapeHtml(mail.siteTitle)} at this address, for ${escapeHtml(mail.scopeText)}.</p>
<p><a href="${escapeHtml(mail.confirmUrl)}">Confirm the subscription</a> (the link works for 48 hours).</p>
<p>If it was not you, ignore this mail: nothing more will be sent to this address.</p>
</body></html>
`;
  return { subject, text: `${lines.join('\n')}\n`, html };
}

/** Sends through the subscribers' SMTP transport (nodemailer), from MAIL_FROM. */
export function createConfirmationMailer(options: {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
}): ConfirmationMailer {
  return {
    async send(mail) {
      const { subject, text, html } = renderConfirmationMail(mail);
      await options.transport.sendMail({ from: options.from, to: mail.to, subject, text, html });
    },
  };
}

import { createTransport } from 'nodemailer';
import type { ChannelConfig } from '../core/model/config.js';
import type { NotificationMessage } from '../store/notifications-store.js';
import { DeliveryError } from './delivery-error.js';
import { renderText, renderTitle } from './render-text.js';

type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;

/**
 * Sends a notification by SMTP (nodemailer): subject `[rectify] <workflow>: <outcome>`, plain
 * text body. One connection per delivery: notifications are rare, and a pooled connection would
 * hold the password-authenticated session open for nothing.
 * @example await sendEmail(channel, 'the password', message, link, 10_000)
 */
export async function sendEmail(
  channel: EmailChannel,
  password: string | undefined,
  message: NotificationMessage,
  link: string | undefined,
  timeoutMs: number,
): Promise<void> {
  const transport = createTransport({
    host: channel.smtp.host,
    port: channel.smtp.port,
    secure: channel.smtp.secure,
    ...(channel.smtp.username ? { auth: { user: channel.smtp.username, pass: password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: channel.from,
      to: [...channel.to],
      subject: renderTitle(message),
      text: renderText(message, link),
    });
  } catch (error) {
    throw smtpError(error);
  } finally {
    transport.close();
  }
}

/**
 * An SMTP failure, by code and the server's answer (never the credentials). 5xx answers are
 * permanent (a rejected address, a refused login); 4xx answers and connection errors are not.
 */
function smtpError(error: unknown): DeliveryError {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const answer = typeof e.response === 'string' ? e.response.slice(0, 200) : '';
  const hint = code === 'EAUTH' ? ' (check smtp.username and the password reference in rectify.yaml)' : '';
  return new DeliveryError(
    `email: ${code}${responseCode === undefined ? '' : ` ${responseCode}`}${answer ? ` ${answer}` : ''}${hint}`,
    // A refused login is a 5xx too, but a password rotated a minute late should not kill the
    // delivery for good: only a permanent answer about the message itself gives up.
    { retryable: responseCode === undefined || responseCode < 500 || code === 'EAUTH' },
  );
}

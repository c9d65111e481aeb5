import { createTransport } from 'nodemailer';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

/**
 * E-mail over SMTP with nodemailer: a pool of connections; TLS from the URL (smtps:// implicit, smtp:// STARTTLS
 * whenever the server offers it; add `?requireTLS=true` to refuse plain text). The Message-ID is the outbox id, so
 * a message sent again after a crash is the same message to every mail system that collapses duplicates by it.
 */
export function smtpChannel(smtpUrl: string, from: string): Channel {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = createTransport(url.toString(), { from });
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'hcrm.local';

  return {
    provider: 'smtp',
    sender: `smtp:${url.host}`,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      const headers: Record<string, string> = {};
      let text = message.body;
      if (message.unsubscribeUrl) {
        // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" to the address.
        headers['List-Unsubscribe'] = `<${message.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
        text += `\n\n${message.locale === 'zh-CN' ? '退订' : 'Unsubscribe'}: ${message.unsubscribeUrl}`;
      }
      try {
        const info = await transport.sendMail({
          to: message.to,
          subject: message.subjectLine ?? '',
          text,
          messageId: `<${message.id}@${domain}>`,
          headers,
        });
        return { kind: 'accepted', providerId: info.messageId, status: 'sent' };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function outcomeOf(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const reason = (e.message ?? 'SMTP error').slice(0, 300);
  // 5xx from the server: this address will not take the message; anything else (4xx, connection) may pass later.
  // A refused login is the hospital's to fix; the messages wait for it instead of failing.
  if (e.code === 'EAUTH') return { kind: 'transient', code: `smtp-${e.responseCode ?? 'auth'}`, reason };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { kind: 'permanent', code: `smtp-${e.responseCode}`, reason };
  return { kind: 'transient', code: e.responseCode ? `smtp-${e.responseCode}` : (e.code ?? 'network'), reason };
}

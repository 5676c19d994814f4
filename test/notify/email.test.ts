import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelConfig } from '../../src/core/model/config.js';
import { outbox } from './outbox-harness.js';
import { nth, smtpReceiver } from './receivers.js';

const password = 'smtp-pa55word-zzz';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

const channel = (port: number): ChannelConfig => ({
  name: 'secops-mail',
  type: 'email',
  smtp: { host: '127.0.0.1', port, username: 'rectify', password: 'env:SMTP_PASSWORD', secure: false },
  from: 'rectify@example.org',
  to: ['secops@example.org', 'oncall@example.org'],
});

describe('email channel', () => {
  it('sends by SMTP with the subject and a text body, authenticated with the resolved password', async () => {
    const smtp = await smtpReceiver({ user: 'rectify', password });
    cleanup.push(smtp.close);
    const o = outbox([channel(smtp.port)], { 'env:SMTP_PASSWORD': password });
    cleanup.push(o.close);
    const id = await o.enqueue('secops-mail');
    await o.notifier.drain();

    expect(await o.row(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(smtp.mails).toHaveLength(1);
    const mail = nth(smtp.mails, 0);
    expect(mail).toMatchObject({
      from: 'rectify@example.org',
      to: ['secops@example.org', 'oncall@example.org'],
      user: 'rectify',
    });
    expect(mail.raw).toContain('Subject: [rectify] close-bucket: failed');
    expect(mail.raw).toContain('Resource: sandbox://bucket/demo-reports');
    expect(mail.raw).toContain('https://rectify.example/v1/runs/run_test_1');
  });

  it('records a refused login without the password, and tries again later', async () => {
    const smtp = await smtpReceiver({ user: 'rectify', password: 'the-right-one' });
    cleanup.push(smtp.close);
    const o = outbox([channel(smtp.port)], { 'env:SMTP_PASSWORD': password });
    cleanup.push(o.close);
    const id = await o.enqueue('secops-mail');
    await o.notifier.drain();

    const row = await o.row(id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('EAUTH');
    expect(row.lastError).toContain('check smtp.username');
    expect(JSON.stringify({ row, audit: await o.audit() })).not.toContain(password);
    expect(smtp.mails).toHaveLength(0);
  });
});

import { z } from 'zod';
import { builtInRoles, permissions } from '../types.js';
import {
  actionId,
  apiVersion,
  bindingSubject,
  duration,
  kebabName,
  ownerSubject,
  secretRef,
} from './common.js';

/** `rectify.yaml` of spec/config.md, v1. Secrets are references only. */

export const sourceFormats = [
  'generic',
  'alertmanager',
  'falco',
  'aws-eventbridge',
  'github',
  'cloudevents',
  'ocsf',
] as const;

const sourceAuth = z.union([
  z.strictObject({ bearer: secretRef }),
  z.strictObject({
    hmac: z.strictObject({
      secret: secretRef,
      header: z.string().min(1).default('X-Signature'),
      tolerance: duration.default('5m'),
    }),
  }),
]);

const webhookSource = z.strictObject({
  name: kebabName,
  type: z.literal('webhook').describe('POST /v1/sources/<name>/events'),
  format: z.enum(sourceFormats).default('generic'),
  auth: sourceAuth
    .optional()
    .describe('Bearer token or HMAC signature; a source without auth is a review finding.'),
  mapping: z
    .record(z.string(), z.string())
    .optional()
    .describe('generic format: envelope field -> CEL over the payload `body`.'),
});

const scheduleSource = z.strictObject({
  name: kebabName,
  type: z.literal('schedule').describe('Pull mode: list resources on a schedule, each one an event.'),
  every: duration.optional(),
  cron: z.string().min(1).optional(),
  scan: actionId.describe("A connector's list or read action."),
  with: z.record(z.string(), z.unknown()).optional(),
  credentials: z.string().min(1),
});

const natsSource = z.strictObject({
  name: kebabName,
  type: z.literal('nats').describe('A JetStream subject.'),
  url: z.string().min(1),
  subject: z.string().min(1),
  format: z.enum(sourceFormats).default('generic'),
  auth: z.strictObject({ token: secretRef.optional(), credentialsFile: secretRef.optional() }).optional(),
});

export const sourceSchema = z.discriminatedUnion('type', [webhookSource, scheduleSource, natsSource]);

const credential = z.strictObject({
  name: kebabName,
  connector: z.string().min(1),
  with: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .optional()
    .describe('Connection settings; secrets as env:/file: references.'),
  scopes: z.array(z.string().min(1)).min(1).describe('Action ids this credential may perform.'),
});

const slackChannel = z.strictObject({ name: kebabName, type: z.literal('slack'), url: secretRef });
const webhookChannel = z.strictObject({
  name: kebabName,
  type: z.literal('webhook'),
  url: z.string().min(1),
  secret: secretRef.optional().describe('HMAC-SHA256 signing secret.'),
});
const emailChannel = z.strictObject({
  name: kebabName,
  type: z.literal('email'),
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65535).default(587),
    username: z.string().optional(),
    password: secretRef.optional(),
    secure: z.boolean().default(false),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
});

export const channelSchema = z.discriminatedUnion('type', [slackChannel, webhookChannel, emailChannel]);

const permissionOrWildcard = z.enum([...permissions, '*']);

const role = z.strictObject({
  name: kebabName.refine((name) => !(builtInRoles as readonly string[]).includes(name), {
    error: 'redefines a built-in role',
    params: { code: 'builtin-role', hint: 'pick another name; built-in roles cannot be changed' },
  }),
  allow: z.array(permissionOrWildcard).min(1),
  workflows: z
    .strictObject({ labels: z.record(z.string(), z.string()).optional(), owner: ownerSubject.optional() })
    .optional()
    .describe('Which workflows the role applies to; absent means all.'),
});

const binding = z.strictObject({ subject: bindingSubject, roles: z.array(z.string().min(1)).min(1) });

export const configSchema = z
  .strictObject({
    apiVersion,
    kind: z.literal('Config'),
    store: z.string().min(1).default('sqlite:.rectify/rectify.db'),
    server: z
      .strictObject({
        listen: z.string().min(1).default('127.0.0.1:7070'),
        publicUrl: z.string().min(1).optional(),
      })
      .optional(),
    workflows: z.string().min(1).default('./workflows'),
    killSwitch: z.boolean().default(false),
    sources: z.array(sourceSchema).default([]),
    credentials: z.array(credential).default([]),
    channels: z.array(channelSchema).default([]),
    access: z
      .strictObject({
        roles: z.array(role).default([]),
        bindings: z.array(binding).default([]),
      })
      .optional(),
  })
  .describe('Rectify configuration (spec/config.md).');

export type Config = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type CredentialConfig = Config['credentials'][number];
export type ChannelConfig = z.output<typeof channelSchema>;

import { Option, type Command } from 'commander';
import { verifyAudit } from '../../audit/verify-audit.js';
import type { CommandContext, OutputFormat } from '../context.js';
import { outputFormats } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { openReadingStore } from '../reading-store.js';

interface StoreOptions {
  store?: string;
  config?: string;
}

const page = 1_000;

/** `rectify audit verify` and `rectify audit export`: the tamper-evident log, checked or streamed. */
export function registerAudit(program: Command, context: CommandContext): void {
  const audit = program.command('audit').description('The audit log: verify its hash chain, or export it.');
  withStoreOptions(
    audit
      .command('verify')
      .description(
        'Verify the whole hash chain: every record unchanged, none removed, inserted or moved, and none cut off the end.',
      )
      .addOption(new Option('--format <format>', 'output format').choices(outputFormats).default('text'))
      .addHelpText(
        'after',
        '\nExit codes: 0 intact, 1 broken (the first bad record is named), 2 usage error, 3 no store there.',
      ),
  ).action(async (options: StoreOptions & { format: OutputFormat }) => {
    context.setExitCode(await verify(options, context));
  });
  withStoreOptions(
    audit
      .command('export')
      .description('Write the audit records, one JSON object per line (JSON Lines), oldest first.')
      .addOption(new Option('--format <format>', 'output format').choices(['jsonl']).default('jsonl'))
      .option('--since <seq>', 'only records after this sequence number (the last one you have)', '0')
      .addHelpText('after', '\nExit codes: 0 written, 2 usage error, 3 no store there.'),
  ).action(async (options: StoreOptions & { since: string }) => {
    context.setExitCode(await exportRecords(options, context));
  });
}

function withStoreOptions(command: Command): Command {
  return command
    .option('--store <url>', "store URL (default: the config's `store`, else sqlite:.rectify/rectify.db)")
    .option('--config <file>', 'config file (default: $RECTIFY_CONFIG, else ./rectify.yaml when present)');
}

async function verify(
  options: StoreOptions & { format: OutputFormat },
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  const opened = await openReadingStore(context, options);
  if (!opened.ok) return opened.exitCode;
  const { store } = opened;
  try {
    // Pages through the chain (never the whole log in memory), then checks its end against the
    // head the store keeps apart, which catches the newest records being removed.
    const verdict = await verifyAudit(store);
    if (verdict.ok) {
      if (options.format === 'json')
        io.out(
          JSON.stringify(
            { version: 1, intact: true, records: verdict.records, head: verdict.head ?? null },
            null,
            2,
          ),
        );
      else
        io.out(
          io.style.green(
            `audit log intact: ${verdict.records} records, head ${verdict.head ? verdict.head.hash : '(none: the log is empty)'}`,
          ),
        );
      return ExitCode.ok;
    }
    // The first bad record, when it is there to show (a truncated log has lost it).
    const [found] = await store.transaction((tx) => tx.auditRecords(verdict.firstBad - 1, 1));
    const record = found?.seq === verdict.firstBad ? found : undefined;
    if (options.format === 'json') {
      io.out(
        JSON.stringify(
          {
            version: 1,
            intact: false,
            records: verdict.records,
            firstBad: verdict.firstBad,
            kind: verdict.kind,
            problem: verdict.problem,
            record: record ?? null,
          },
          null,
          2,
        ),
      );
    } else {
      io.out(io.style.red(`audit log BROKEN at record ${verdict.firstBad}: ${verdict.problem}`));
      if (record)
        io.out(
          `  record ${record.seq}: ${record.at} ${record.kind}${record.runId ? ` (run ${record.runId})` : ''}`,
        );
      io.out(io.style.dim(`  in ${opened.location.display}; the records before it verify`));
    }
    return ExitCode.failed;
  } finally {
    await store.close();
  }
}

async function exportRecords(
  options: StoreOptions & { since: string },
  context: CommandContext,
): Promise<number> {
  const { io } = context;
  if (!/^\d+$/.test(options.since) || !Number.isSafeInteger(Number(options.since))) {
    io.err(
      `error: --since takes a sequence number (0 or more); got "${options.since}"\n(run with --help for usage)`,
    );
    return ExitCode.usage;
  }
  const opened = await openReadingStore(context, options);
  if (!opened.ok) return opened.exitCode;
  try {
    // Streamed: one page in memory at a time, written as it is read.
    for (let after = Number(options.since); ;) {
      const records = await opened.store.transaction((tx) => tx.auditRecords(after, page));
      if (records.length > 0) io.out(records.map((r) => JSON.stringify(r)).join('\n'));
      const last = records.at(-1);
      if (!last || records.length < page) break;
      after = last.seq;
    }
    return ExitCode.ok;
  } finally {
    await opened.store.close();
  }
}

import { Socket } from 'node:net';

/**
 * The real services the integration tests use, and the command that starts each. A test whose
 * service is down FAILS with that command (so CI never passes by skipping); a developer who means
 * to run without one sets RECTIFY_SKIP_SERVICES=redis,s3 (or `all`) and the skip is printed.
 */
export const services = {
  postgres: { port: 5432, start: 'scripts/services.sh start' },
  mariadb: { port: 3306, start: 'scripts/services.sh start' },
  redis: { port: 6379, start: 'scripts/services.sh start' },
  s3: { port: 7480, start: 'scripts/ceph-s3.sh start' },
} as const;
export type ServiceName = keyof typeof services;

function skipped(name: ServiceName): boolean {
  const list = (process.env.RECTIFY_SKIP_SERVICES ?? '').split(',').map((s) => s.trim());
  return list.includes(name) || list.includes('all');
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * Whether the suite for `name` runs: true when the service answers; false (printed loudly) when
 * skipped on purpose; throws, naming the start command, when it is down. Use at the top of a
 * test file: `const run = await serviceAvailable('postgres'); describe.runIf(run)(...)`.
 */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  const service = services[name];
  if (skipped(name)) {
    process.stderr.write(
      `\n!!! SKIPPING the ${name} integration tests: RECTIFY_SKIP_SERVICES names it. CI never sets it.\n\n`,
    );
    return false;
  }
  if (await answers(service.port)) return true;
  throw new Error(
    `${name} is not answering on 127.0.0.1:${service.port}. Start it with \`${service.start}\`, ` +
      `or skip its tests deliberately with RECTIFY_SKIP_SERVICES=${name}.`,
  );
}

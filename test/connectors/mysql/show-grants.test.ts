import { describe, expect, it } from 'vitest';
import { globalPrivileges } from '../../../src/connectors/mysql/show-grants.js';

describe('globalPrivileges (SHOW GRANTS lines)', () => {
  it.each([
    [
      'MariaDB, with grant option',
      ['GRANT SELECT, FILE ON *.* TO `app`@`%` WITH GRANT OPTION'],
      ['SELECT', 'FILE', 'GRANT OPTION'],
    ],
    ['no privilege', ['GRANT USAGE ON *.* TO `app`@`%`'], []],
    [
      'MySQL 8: dynamic privileges on a second line, no spaces; database grants ignored',
      [
        'GRANT SELECT, PROCESS ON *.* TO `app`@`%`',
        'GRANT BACKUP_ADMIN,SYSTEM_VARIABLES_ADMIN ON *.* TO `app`@`%`',
        'GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`',
        'GRANT `reporting`@`%` TO `app`@`%`',
      ],
      ['SELECT', 'PROCESS', 'BACKUP_ADMIN', 'SYSTEM_VARIABLES_ADMIN'],
    ],
    [
      'MariaDB password hash and quoted names never read as privileges or options',
      ["GRANT USAGE ON *.* TO `x WITH GRANT OPTION`@`%` IDENTIFIED BY PASSWORD '*ABC WITH GRANT OPTION'"],
      [],
    ],
    [
      'all privileges',
      ['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION'],
      ['ALL PRIVILEGES', 'GRANT OPTION'],
    ],
  ])('%s', (_name, lines, expected) => {
    expect(globalPrivileges(lines)).toEqual(expected);
  });
});

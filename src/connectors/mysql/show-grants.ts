/**
 * The global privileges (`ON *.*`) in the lines of SHOW GRANTS FOR an account, as the server
 * names them: `["SELECT", "FILE", "GRANT OPTION"]`, or `["ALL PRIVILEGES"]`. `USAGE` (no
 * privilege) is left out; `WITH GRANT OPTION` becomes `GRANT OPTION`. MySQL 8 lists dynamic
 * privileges on a second `ON *.*` line, comma-separated without spaces; MariaDB adds
 * `IDENTIFIED BY PASSWORD '<hash>'` to its first line, which is never read past `ON`.
 * @example
 * globalPrivileges(['GRANT SELECT, FILE ON *.* TO `app`@`%` WITH GRANT OPTION']) // ['SELECT', 'FILE', 'GRANT OPTION']
 */
export function globalPrivileges(lines: readonly string[]): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    const match = /^GRANT (.+?) ON \*\.\* TO /.exec(line);
    if (!match?.[1]) continue;
    for (const name of match[1].split(',')) {
      const privilege = name.trim().toUpperCase();
      if (privilege !== '' && privilege !== 'USAGE') found.add(privilege);
    }
    // Quoted parts (account names, a password hash) are cut first: a user named `x GRANT OPTION`
    // must not read as the option.
    const rest = line.slice(match[0].length).replace(/`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'/g, '');
    if (/\bWITH\b.*\bGRANT OPTION\b/.test(rest)) found.add('GRANT OPTION');
  }
  return [...found];
}

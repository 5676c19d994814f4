/** An ACL user as the catalog's `redis.acl.user` reports it (password hashes never leave here). */
export interface AclUserState {
  readonly user: string;
  readonly exists: boolean;
  readonly enabled: boolean;
  readonly nopass: boolean;
  readonly allCommands: boolean;
  readonly passwordCount: number;
}

/**
 * Reads the reply of ACL GETUSER (a flat list of field name, value): `flags` (`on`/`off`,
 * `nopass`; Redis 6.0 adds `allcommands`), `passwords` (hashes: only counted), `commands` (a rule
 * string such as `+@all -flushall`). `allCommands` is true only for `+@all` with nothing taken
 * away: a user denied one command cannot run every command. A null reply is a missing user.
 * @example
 * aclUserState('app', ['flags', ['on', 'nopass'], 'passwords', [], 'commands', '+@all'])
 *   // { user: 'app', exists: true, enabled: true, nopass: true, allCommands: true, passwordCount: 0 }
 */
export function aclUserState(user: string, reply: unknown): AclUserState {
  if (!Array.isArray(reply))
    return { user, exists: false, enabled: false, nopass: false, allCommands: false, passwordCount: 0 };
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const flags = asStrings(fields.get('flags'));
  const passwords = fields.get('passwords');
  const commands = fields.get('commands');
  const commandRules = (typeof commands === 'string' ? commands : '').split(' ').filter(Boolean);
  const allCommands =
    flags.includes('allcommands') ||
    (commandRules[0] === '+@all' && !commandRules.some((rule) => rule.startsWith('-')));
  return {
    user,
    exists: true,
    enabled: flags.includes('on'),
    nopass: flags.includes('nopass'),
    allCommands,
    passwordCount: Array.isArray(passwords) ? passwords.length : 0,
  };
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

// A catalog like the shipped herald.config.yaml's, built by hand so that unit tests of the core do not
// depend on the config loader. test/config.test.ts checks that the shipped file loads to the same catalog.
import { type CoreSettings, DEFAULT_TITLES } from '../../src/bot/catalog.js';

export const testSettings: CoreSettings = {
  catalog: {
    systems: [
      {
        id: 'nc018',
        name: 'NC018',
        kind: 'server',
        aliases: ['nc18'],
        services: ['smtp', 'imap', 'pop', 'web', 'dns', 'ftp', 'mysql', 'lists', 'spam'],
      },
      {
        id: 'nc026',
        name: 'NC026',
        kind: 'server',
        aliases: ['nc26'],
        services: ['smtp', 'imap', 'pop', 'web', 'dns', 'ftp', 'mysql', 'lists', 'spam'],
      },
      {
        id: 'email',
        name: 'Email',
        kind: 'platform',
        aliases: ['mail'],
        services: ['smtp', 'imap', 'pop', 'relay'],
      },
    ],
    services: [
      { id: 'smtp', name: 'SMTP', aliases: ['outgoing', 'sendmail'] },
      { id: 'imap', name: 'IMAP', aliases: [] },
      { id: 'pop', name: 'POP', aliases: ['pop3'] },
      { id: 'web', name: 'Web server', aliases: ['www', 'http', 'https', 'websites'] },
      { id: 'dns', name: 'DNS', aliases: ['nameservers'] },
      { id: 'ftp', name: 'FTP', aliases: ['sftp'] },
      { id: 'mysql', name: 'MySQL', aliases: ['database', 'db'] },
      { id: 'lists', name: 'Mailing lists', aliases: ['mailing-lists', 'phplist'] },
      { id: 'spam', name: 'Spam defences', aliases: ['antispam', 'spamassassin'] },
      { id: 'relay', name: 'Mail relay', aliases: ['smarthost'] },
    ],
  },
  titles: DEFAULT_TITLES,
  zones: [
    { zone: 'America/Vancouver', label: 'Vancouver' },
    { zone: 'Africa/Lusaka', label: 'Lusaka' },
  ],
  staff: {
    shell: ['*'],
    slack: { users: [], groups: [], channels: [] },
    discord: { users: [], roles: [], guilds: [] },
  },
  messageLimit: 4000,
  outlets: ['site', 'twitter', 'mastodon', 'bluesky'],
};

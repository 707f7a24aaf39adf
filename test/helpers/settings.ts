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
  templates: [
    {
      name: 'spam',
      description: 'SMTP shut down to deal with spam',
      message:
        'We are once again dealing with a spam problem on {system} and have shut down the {service} server. This means that you will not be able to send email for now. We are working on this issue as fast as we can.',
      title: null,
      tags: ['spam', 'smtp'],
    },
    {
      name: 'spam-restart',
      description: 'SMTP restarted after the spam was cleaned up',
      message:
        'We’ve cleaned up the spam and restarted {service} on {server} at {time}. You can now send email again.',
      title: null,
      tags: ['spam', 'smtp'],
    },
    {
      name: 'reboot',
      description: 'A server rebooting, and when it should be back',
      message:
        'We are rebooting {server} at {time}. Its services will be unavailable until it is back, which we expect by {eta}. We apologise for the inconvenience.',
      title: 'Reboot of {server}',
      tags: ['reboot'],
    },
    {
      name: 'spam-defences-on',
      description: 'Spam defences re-enabled',
      message: 'We have re-enabled the most effective spam defences on {server}.',
      title: 'Spam defences on {server}',
      tags: ['spam', 'spamassassin'],
    },
  ],
};

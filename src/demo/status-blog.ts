// The reference status blog's story (NinerNet Communications, 2012–2013), one chat command per post, with
// the instant each post was published. `herald demo` replays it; the tests check that replaying it gives
// back the blog's titles, stamps and texts.

export interface StoryStep {
  /** When the post was published (the clock is set to this before the command runs). */
  at: string;
  /** The command as staff would type it after `/status`. */
  command: string;
}

/** Quotes a message for the command grammar: straight quotes, with `"` and `\\` escaped. */
export const quoteMessage = (text: string): string => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

const step = (at: string, head: string, message: string, options: string): StoryStep => ({
  at,
  command: `${head} ${quoteMessage(message)} ${options}`.trim(),
});

export const STATUS_BLOG_STORY: readonly StoryStep[] = [
  // SMTP on server NC018 restarted — 26 July 2012 18:58:12 +0000
  step(
    '2012-07-26T18:58:12Z',
    'nc018 smtp up',
    'SMTP (the outgoing mail server) on NC018 was restarted at 18:20 UTC after the spam problem was cleaned up. We apologise again for the inconvenience.',
    '--at 18:20 --tag smtp,spam',
  ),
  // SMTP on NC018 shut down — 27 July 2012 21:39:27 +0000
  step(
    '2012-07-27T21:39:27Z',
    'nc018 smtp down',
    'We are once again dealing with a spam problem on NC018 and have shut down the SMTP server. This means that you will not be able to send email for now. We are working on this issue as fast as we can.',
    '--tag smtp,spam',
  ),
  // SMTP on server NC018 restarted — 27 July 2012 22:20:51 +0000
  step(
    '2012-07-27T22:20:51Z',
    'nc018 smtp up',
    'We’ve cleaned up the spam and restarted SMTP on server NC018 at 22:13 UTC. You can now send email again.\n\nWe continue to work against the spam, and are escalating the defences. We’ve seen a huge increase in spam the last couple of days from multiple sources, including from throwaway domains registered through a single, reputable registrar. Once we determine the IP addresses of that registrar’s mail servers, we’ll be blocking them until they stop hosting and doing business with spammers.\n\nOnce again we apologise for the inconvenience.',
    '--at 22:13 --tag smtp,spam',
  ),
  // Server NC018 replacement: Update 1 — 19 March 2013 23:32:01 +0000
  step(
    '2013-03-19T23:32:01Z',
    'notice "Server NC018 replacement"',
    'A contributory cause of the performance issues on server NC018 is one of the anti-spam systems on that server. Unfortunately, we have had to deactivate part of the anti-spam system, and we’re already seeing the results in the form of spam that would normally be blocked reaching mail boxes. We apologise for this temporary issue. On the plus side, the anti-spam systems on the new server will be an improvement over the one on the old server.',
    '--number 1 --tag performance,spam,hardware',
  ),
  // Server NC018 replacement: Update 6 — 3 May 2013 07:11:33 +0000
  step(
    '2013-05-03T07:11:33Z',
    'update 3',
    'We are ready to begin the process of migrating accounts from server NC018 to NC026. We will start with websites on Friday, 3 May at 19:00 UTC.\n\nOnce the websites have been migrated, we anticipate that the reduced load on server NC018 will permit re-enabling anti-spam measures. This, I’m sure, will be a welcome relief for all.',
    '--number 6 --tag migration,web-server',
  ),
  // Spam defences on server NC018 — 18 May 2013 02:46:22 +0000
  step(
    '2013-05-18T02:46:22Z',
    'notice "Spam defences on server NC018"',
    'We have re-enabled the most effective spam defences on server NC018.',
    '--tag spam',
  ),
  // Spam defences on server NC018 — 20 May 2013 06:43:46 +0000
  step(
    '2013-05-20T06:43:46Z',
    'update 4',
    'We have disabled the spam defences on server NC018. We re-enabled them over the weekend as server loads are down over the weekends.',
    '--title "Spam defences on server NC018" --tag spam',
  ),
  // Spam defences on server NC018 — 9 June 2013 10:58:16 +0000
  step(
    '2013-06-09T10:58:16Z',
    'update 4',
    'Contrary to the last update on this topic, spam defences on server NC018 are indeed active most of the time. We monitor the server load and turn them off if the load gets too high. However, most of the time the spam defences are up 24 hours a day, 7 days a week.',
    '--title "Spam defences on server NC018" --tag spam,performance',
  ),
  // Email migration: Update 13 — 16 October 2013 10:09:43 +0000
  step(
    '2013-10-16T10:09:43Z',
    'notice "Email migration"',
    'Since the migration of many email accounts to the new server, we’ve had reports of email from some regular correspondents (with email hosted outside of NinerNet) to domains hosted on the new server bouncing back to those senders as undeliverable. All of these reports, so far, are about the same improper configuration of Microsoft Exchange mail servers.\n\nA person sending you an email through a mis-configured mail server will receive a bounce message that includes an explanation for the bounce that looks like this: #554 5.7.1 <senderdomain.local>: Helo command rejected: Go away, bad guy (.local).\n\nThe problem is the “senderdomain.local” string. In this case “senderdomain” stands in for an actual name — e.g., something that looks like it might be a domain — followed by “.local”. A properly configured mail server that connects to the public Internet is supposed to advertise a “fully-qualified domain name” (FQDN) through the “HELO” (or “EHLO”) command rather than “something.local”, which is not a real domain. Many mail servers, including ours, reject attempts to deliver mail from improperly configured mail servers advertising a “domain” that does not (or cannot) exist. The reason for this is that much spam comes from machines that are improperly configured in this manner. More technical details about this can be read in theĀ Best Practises for Email and Network Operators – Valid HELO domain article.\n\nYour correspondents will likely think that we are blocking their domain specifically (very likely that we are NOT) or that something is otherwise wrong on our mail server. However, it is the other way around; your correspondents experiencing this problem need to talk to their own IT people, perhaps pointing them to this post, as their mail server needs to be reconfigured correctly.\n\nThe article Exchange DNS Configuration for Email Delivery includes a number of helpful hints for the Exchange server administrator about how to properly configure an Exchange server to work correctly on the Internet with respect to domains and DNS. About half way down the page are sections entitled SMTP Banner – Exchange 2003 and SMTP Banner – Exchange 2007 that explain how to set the SMTP banner — i.e., the domain that is advertised by the Exchange server when it connects to another mail server to attempt to deliver email. As mentioned previously, this needs to be a proper domain that is resolvable on the Internet, not something that doesn’t exist like “senderdomain.local”.\n\nOur experience is that when an Exchange server is correctly reconfigured, email from that server starts getting through again immediately, and deliveries to other servers that do not block based on this incorrect behaviour are not affected.\n\nAnother possible solution to this problem is for the Exchange server to use a smart host, through which all outbound email is delivered to the public Internet. This has a number of advantages, including not having to reconfigure the SMTP banner and the fact that the server administrator doesn’t have to be concerned about their own IP address being added to a block list if (again as a result of mis-configuration) the server inadvertently becomes the source of spam. NinerNet provides this service (relay server / smart host) for USD30 / CAD36 / ZMW165 per month.\n\nOr you could send Microsoft Exchange Server 2007 For Dummies to the sending domain’s server administrator!',
    '--number 13 --tag email-delivery,migration,smtp',
  ),
  // Email migration: Update 14 — 29 October 2013 08:57:36 +0000
  step(
    '2013-10-29T08:57:36Z',
    'update 5',
    'This is the last post that we’ll refer to as an “update” regarding the email migration that was largely completed three weeks ago … if only so that we don’t end on number 13. It addresses three issues:\n\n  • Outlook 2003,\n  • Anti-spam blacklists, and\n  • Mail box quotas.\n\nOutlook 2003: During the migration we learnt that Outlook 2003 does not support TLS. This is software that is over a decade old, and Microsoft will stop supporting it in less than six months. Now would be a good time to upgrade. However, apparently a 2004 “hotfix” available from Microsoft will add TLS support to Outlook 2003, but we cannot vouch for this personally, nor are we aware of any clients who have used this.\n\nThe anti-spam blacklists used on the old server were not immediately implemented on the new server. They have been now. The amount of spam you receive should drop significantly as a result.\n\nFinally, we have increased mail box quotas across the board, as we try to keep up with the growing number of people using smart phones and tablets who store significant amounts of mail on the server.\n\nAs always, if you have any questions, pleaseĀ contact support and we’ll be happy to assist.',
    '--tag migration,tls,spam',
  ),
];

/**
 * After the blog's last post: its three notices closed, as the story ended them (the migration from NC018 to
 * NC026 was "largely completed" and the 29 October post was "the last" about it). These posts are the
 * demo's, not the blog's: without them a demo built today would show 2013's notices as open now.
 */
export const STATUS_BLOG_EPILOGUE: readonly StoryStep[] = [
  step(
    '2013-10-29T09:00:00Z',
    'resolve 5',
    'The email migration is complete; the post above was the last update about it.',
    '',
  ),
  step(
    '2013-10-29T09:01:00Z',
    'resolve 3',
    'Websites and email have moved from server NC018 to NC026: the replacement is complete.',
    '',
  ),
  step(
    '2013-10-29T09:02:00Z',
    'resolve 4',
    'Mail is now handled by NC026, whose anti-spam systems replace the defences on NC018.',
    '',
  ),
];

// incidents/<n>.html: one incident and every post in it, in order, each at its permalink's anchor. A
// corrected post shows its current words, when they were corrected, and the original; a retracted post
// stays, marked and struck through. Nothing is silently rewritten.

import type { IncidentPageView, PostView } from '../site-view.js';
import { escapeHtml, userText } from './escape.js';
import { renderPage, timeHtml, updatedHtml } from './layout.js';
import { nextUpdateHtml, paragraphsHtml, stateHtml, tagsHtml } from './parts.js';

function fact(term: string, value: string): string {
  return `<dt>${term}</dt><dd>${value}</dd>`;
}

function postHtml(post: PostView): string {
  const retracted = post.retracted;
  const title = retracted ? `<del>${userText(post.title)}</del>` : userText(post.title);
  const body = paragraphsHtml(post.paragraphs);
  const lines = [
    `<h2><a href="#${escapeHtml(post.anchor)}">${title}</a></h2>`,
    `<p class="stamp">${timeHtml(post.stamp)}</p>`,
    retracted
      ? `<p class="retraction"><strong>Retracted ${timeHtml(retracted.stamp)}:</strong> ${userText(retracted.reason)}</p>`
      : '',
    post.eventTime ? `<p class="event">Event time: ${escapeHtml(post.eventTime)}</p>` : '',
    post.state ? `<p class="meta">Reported state: ${stateHtml(post.state)}</p>` : '',
    `<div class="post-body">\n${retracted ? `<del>\n${body}\n</del>` : body}\n</div>`,
    post.nextUpdate ? nextUpdateHtml(post.nextUpdate, post.nextUpdate.live) : '',
    ...post.corrections.map(
      (c) => `<p class="correction">Corrected ${timeHtml(c.stamp)} by ${userText(c.author)}</p>`,
    ),
    post.original
      ? `<details class="original">\n<summary>Original text</summary>\n${paragraphsHtml(post.original)}\n</details>`
      : '',
    tagsHtml(post.tags),
    `<p class="author">Posted by ${userText(post.author)}</p>`,
  ];
  return `<li>
<article class="post${retracted ? ' retracted' : ''}" id="${escapeHtml(post.anchor)}">
${lines.filter(Boolean).join('\n')}
</article>
</li>`;
}

export function renderIncidentHtml(view: IncidentPageView): string {
  const { site, incident } = view;
  const facts = [
    fact('Kind', escapeHtml(incident.kind)),
    fact('Status', escapeHtml(incident.status)),
    incident.components.length ? fact('Components', incident.components.map(escapeHtml).join(', ')) : '',
    incident.starts ? fact('Starts', timeHtml(incident.starts)) : '',
    incident.ends ? fact('Ends', timeHtml(incident.ends)) : '',
    fact('Opened', timeHtml(incident.opened)),
    fact('Closed', incident.closed ? timeHtml(incident.closed) : 'Not yet'),
  ].filter(Boolean);
  const main = `<p><a href="../index.html"><span aria-hidden="true">← </span>All systems and recent posts</a></p>
<h1>${userText(incident.title)}</h1>
<dl class="facts">
${facts.join('\n')}
</dl>
${tagsHtml(incident.tags)}
${incident.nextUpdate ? `${nextUpdateHtml(incident.nextUpdate, true)}\n` : ''}${view.posts.length ? `<ol class="posts">\n${view.posts.map(postHtml).join('\n')}\n</ol>` : '<p>Nothing has been posted yet.</p>'}
<p><a href="../index.html"><span aria-hidden="true">← </span>Back to ${escapeHtml(site.title)}</a></p>`;
  return renderPage({
    // No isolate marks here: browsers and tab strips show them as boxes or junk (the body keeps <bdi>).
    title: `${incident.title} · ${site.title}`,
    root: '../',
    canonical: site.canonical,
    siteTitle: site.title,
    description: site.description,
    header: `<p class="site-name"><a href="../index.html">${escapeHtml(site.title)}</a></p>`,
    main,
    footer: updatedHtml(site),
  });
}

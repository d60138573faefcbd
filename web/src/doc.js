// One stored document with its annotations highlighted (#/doc/ID).
import { api } from './api.js';
import { h, replace, day } from './dom.js';
import { articleView, markLegend } from './article.js';

export async function docPage(root, id) {
  const doc = await api.document(id);
  replace(root,
    h('section', { class: 'panel doc-page' },
      h('p', null, h('a', { href: '#/' }, '← all events')),
      h('h1', null, doc.title || doc.id),
      h('p', { class: 'muted' }, [doc.url ? h('a', { href: doc.url }, doc.url) : doc.id, doc.published ? ` · ${day(doc.published)}` : '', doc.language ? ` · ${doc.language}` : '']),
      markLegend(),
      articleView(doc)));
}

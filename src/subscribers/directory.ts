// The sign-up's view of the subscriber store (src/store/subscribers.ts): scopes spelled as the form spells
// them (`nc018`, `nc018/smtp`), and "subscribe" as one step, since nothing is stored before a confirmation.

import type { Subscriber, SubscriberScope, SubscriberStore } from '../store/subscribers.js';
import type { SignupDirectory, SubscriberView } from './signup.js';
import type { Scope } from './tokens.js';

export function toStoreScope(scope: Scope): SubscriberScope {
  if (scope === 'all') return 'all';
  return scope.map((key) => {
    const [system = '', service] = key.split('/');
    return { system, service: service ?? null };
  });
}

export function fromStoreScope(scope: SubscriberScope): Scope {
  if (scope === 'all') return 'all';
  return scope.map((c) => (c.service ? `${c.system}/${c.service}` : c.system)).sort();
}

const view = (s: Subscriber): SubscriberView => ({
  id: s.id,
  channel: s.channel,
  address: s.address,
  status: s.status,
  scope: fromStoreScope(s.scope),
  createdAt: s.createdAt,
  confirmedAt: s.confirmedAt,
  unsubscribedAt: s.unsubscribedAt,
});

export function createSignupDirectory(store: SubscriberStore): SignupDirectory {
  const byId = (id: number) => {
    const s = store.byId(id);
    return s && view(s);
  };
  return {
    find(channel, address) {
      const s = store.byAddress(channel, address);
      return s && view(s);
    },
    byId,
    subscribe({ channel, address, contactEmail, secret, scope, now }) {
      const existing = store.byAddress(channel, address);
      const storeScope = toStoreScope(scope);
      if (existing && (existing.status === 'active' || existing.status === 'disabled')) {
        if (channel === 'email') {
          // The mailbox's owner followed the link: the new scope stands, a disabled address is back.
          store.setScope(existing.id, storeScope);
          store.confirm(existing.id, now);
          return byId(existing.id) ?? view(existing);
        }
        // A webhook confirmed with a new secret (its endpoint verified the test delivery with it): the row
        // starts again with that secret, as a sign-up after an unsubscribe does.
        store.unsubscribe(existing.id, now);
      }
      const { subscriber } = store.create({
        channel,
        address,
        contactEmail,
        secret,
        scope: storeScope,
        at: now,
      });
      store.confirm(subscriber.id, now);
      return byId(subscriber.id) ?? view(subscriber);
    },
    setScope(id, scope) {
      store.setScope(id, toStoreScope(scope));
    },
    unsubscribe(id, now) {
      store.unsubscribe(id, now);
    },
  };
}

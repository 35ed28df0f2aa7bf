import type { Client } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { DIRECTORY_TOPIC } from '../directory/index.js';
import { CachedReadsByKey, type Store } from '../store/index.js';

/**
 * oidc-provider reads a client through the adapter and hashes its metadata (JSON text, SHA-256) at
 * every lookup, several times a sign-in, to find the Client it made from the same metadata. Here its
 * Client objects are kept per id until the directory, which holds the metadata, announces a change.
 */
export function keepClientsUntilChanged(provider: Provider, store: Store): void {
  const find = provider.Client.find.bind(provider.Client);
  const kept = new CachedReadsByKey<Client>(store, DIRECTORY_TOPIC, (clientId) => find(clientId));
  Object.defineProperty(provider.Client, 'find', { value: (id: unknown) => (typeof id === 'string' ? kept.get(id) : find(id as string)) });
}

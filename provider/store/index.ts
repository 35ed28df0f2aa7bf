export { StoreOutageError, type Store } from './store.js';
export { MemoryStore } from './memory-store.js';
export { createOidcAdapter, clientKey, type OidcAdapterOptions } from './oidc-adapter.js';
export { openStore, describeStore, StoreUnavailableError } from './open-store.js';
export { CachedRead } from './cached-read.js';
export { CachedLookup } from './cached-lookup.js';

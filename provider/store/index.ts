export { StoreContentionError, StoreOutageError, storeKey, type Store } from './store.js';
export { MemoryStore } from './memory-store.js';
export { createOidcAdapter, clientKey, type OidcAdapterOptions } from './oidc-adapter.js';
export { openStore, describeStore, StoreUnavailableError } from './open-store.js';
export { CachedRead, CachedReadsByKey } from './cached-read.js';

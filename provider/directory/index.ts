export { DIRECTORY_TOPIC, Directory, type DirectoryEntries } from './directory.js';
export type { Tenant, Domain, DomainPolicy, Application } from './records.js';

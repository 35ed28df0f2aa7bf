import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { FixtureError } from '../fixtures/index.js';

/**
 * Lets oidc-provider judge every fixture client at start-up (it would otherwise do so on first use,
 * mid-login), so a client it would refuse stops the start with the file, the client and the reason.
 */
export async function validateClients(provider: Provider, clients: ClientMetadata[], source: string): Promise<void> {
  for (const [index, metadata] of clients.entries()) {
    try {
      await provider.Client.validate(metadata);
    } catch (error) {
      const { error_description: description, message } = error as { error_description?: string; message: string };
      throw new FixtureError(source, `clients[${index}]`, `${metadata.client_id}: ${description ?? message}`);
    }
  }
}

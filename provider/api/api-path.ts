/** Where the provisioning API answers (its routes load on the first request there). */
export const API_PATH = '/api/v1';

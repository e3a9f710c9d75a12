/**
 * The signed-in session. Credentials live ONLY in this module's variables: never in localStorage,
 * sessionStorage, IndexedDB or cookies; a reload signs out. Nothing here is ever logged.
 */
import type { Credentials } from './sigv4';

export interface OidcConfig {
  issuer: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  roleArn: string;
  scopes?: string;
}

export interface ConsoleConfig {
  region: string;
  accountId: string;
  oidc: OidcConfig | null;
}

let credentials: Credentials | null = null;
let callerArn = '';
let config: ConsoleConfig = { region: 'us-east-1', accountId: '', oidc: null };

const listeners: Array<() => void> = [];

export function getCredentials(): Credentials | null {
  return credentials;
}

export function getCaller(): string {
  return callerArn;
}

export function setSession(c: Credentials, arn: string): void {
  credentials = { ...c };
  callerArn = arn;
  listeners.forEach((l) => l());
}

export function clearSession(): void {
  credentials = null;
  callerArn = '';
  listeners.forEach((l) => l());
}

export function onSessionChange(l: () => void): void {
  listeners.push(l);
}

export function getConfig(): ConsoleConfig {
  return config;
}

/** Loads config.json (written by the gateway); falls back to us-east-1 without OIDC when it is not there. */
export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const r = await fetch(import.meta.env.BASE_URL + 'config.json', { cache: 'no-store', credentials: 'omit' });
    if (r.ok) {
      const c = (await r.json()) as Partial<ConsoleConfig>;
      config = {
        region: typeof c.region === 'string' && c.region ? c.region : 'us-east-1',
        accountId: typeof c.accountId === 'string' ? c.accountId : '',
        oidc: c.oidc && typeof c.oidc === 'object' ? (c.oidc as OidcConfig) : null,
      };
    }
  } catch {
    // keep the defaults
  }
  return config;
}

/**
 * OIDC sign-in: authorization code + PKCE (S256), then STS AssumeRoleWithWebIdentity (unsigned) with the ID token.
 * The PKCE verifier and state must survive the redirect to the provider and back, so they are kept in
 * sessionStorage for that round trip only and removed as soon as the page comes back; no credential is ever stored.
 */
import { ApiError, sts, xFirst, xText } from './api';
import type { OidcConfig } from './session';
import type { Credentials } from './sigv4';

const KEY = 'mlgate.console.pkce';

function b64url(bytes: Uint8Array): string {
  let s = '';
  bytes.forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n: number): string {
  return b64url(crypto.getRandomValues(new Uint8Array(n)));
}

function redirectUri(): string {
  return location.origin + location.pathname;
}

export async function beginOidc(cfg: OidcConfig): Promise<void> {
  const verifier = random(48);
  const state = random(24);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(KEY, JSON.stringify({ verifier, state }));
  const u = new URL(cfg.authorizationEndpoint);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', cfg.clientId);
  u.searchParams.set('redirect_uri', redirectUri());
  u.searchParams.set('scope', cfg.scopes || 'openid');
  u.searchParams.set('state', state);
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  location.assign(u.toString());
}

/**
 * When the page was opened by the provider's redirect (`?code=...&state=...`), finishes the flow and returns
 * the role session's credentials; returns null when this is not such a return.
 */
export async function completeOidc(cfg: OidcConfig | null): Promise<Credentials | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const err = params.get('error');
  if (!code && !err) return null;
  const saved = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  history.replaceState(null, '', location.pathname + '#/signin');
  if (!cfg) throw new ApiError('OidcNotConfigured', 'The gateway has no OIDC provider configured.', 0);
  let pkce: { verifier: string; state: string } | null = null;
  try { pkce = saved ? (JSON.parse(saved) as { verifier: string; state: string }) : null; } catch { pkce = null; }
  // the state is checked first, also for an error answer: a link made elsewhere must not get its text shown here
  if (!pkce || typeof pkce.state !== 'string' || pkce.state !== params.get('state')) {
    throw new ApiError('InvalidState', 'The sign-in response does not match the request (state); start again.', 0);
  }
  if (err) throw new ApiError(err, params.get('error_description') ?? 'The identity provider refused the sign-in.', 0);
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: code!,
    redirect_uri: redirectUri(),
    client_id: cfg.clientId,
    code_verifier: pkce.verifier,
  });
  let r: Response;
  try {
    r = await fetch(cfg.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError('NetworkError', `The identity provider's token endpoint could not be reached (${e instanceof Error ? e.message : String(e)}).`, 0);
  }
  const tokens = (await r.json().catch(() => ({}))) as Record<string, string>;
  if (!r.ok || !tokens.id_token) {
    throw new ApiError(tokens.error ?? `HTTP${r.status}`, tokens.error_description ?? 'The token request failed.', r.status);
  }
  const doc = await sts('AssumeRoleWithWebIdentity', {
    RoleArn: cfg.roleArn,
    RoleSessionName: 'console-' + random(6).replace(/[^A-Za-z0-9]/g, 'x'),
    WebIdentityToken: tokens.id_token,
  }, { credentials: null });
  const c = xFirst(doc, 'Credentials');
  if (!c) throw new ApiError('InvalidResponse', 'AssumeRoleWithWebIdentity returned no credentials.', 0);
  return { accessKeyId: xText(c, 'AccessKeyId'), secretAccessKey: xText(c, 'SecretAccessKey'), sessionToken: xText(c, 'SessionToken') };
}

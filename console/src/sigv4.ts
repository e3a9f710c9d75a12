/**
 * AWS Signature Version 4 (header form) with WebCrypto: HMAC-SHA256 and SHA-256 from `crypto.subtle`.
 * Works in the browser (secure context) and in Node 20+ (globalThis.crypto), so the same code is tested with
 * the published AWS test vectors (test/sigv4.test.mjs).
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  /** The path, already URI-encoded as sent (the console always uses "/"). */
  path: string;
  /** Query parameters (decoded); they are encoded and sorted for the canonical request. */
  query?: Array<[string, string]>;
  /** The headers to sign (names in any case); host must be among them. */
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  credentials: Credentials;
  date: Date;
  /** Adds a signed x-amz-content-sha256 header with the body's hash (S3 style); off for the console's APIs. */
  signBody?: boolean;
}

export interface Signed {
  /** Headers to add to the request: x-amz-date, x-amz-security-token (session credentials), authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const enc = new TextEncoder();

function hex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

export async function sha256Hex(data: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', enc.encode(data)));
}

async function hmac(key: ArrayBuffer | Uint8Array, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters is %XX (upper case). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `20150830T123600Z` */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function canonicalQuery(query: Array<[string, string]> | undefined): string {
  if (!query || query.length === 0) return '';
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as [string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => k + '=' + v)
    .join('&');
}

/** Signs a request; returns the headers to add and the intermediate strings (for tests and diagnostics). */
export async function sign(input: SignInput): Promise<Signed> {
  const time = amzDate(input.date);
  const day = time.slice(0, 8);
  const added: Record<string, string> = { 'x-amz-date': time };
  if (input.credentials.sessionToken) added['x-amz-security-token'] = input.credentials.sessionToken;
  const bodyHash = await sha256Hex(input.body);
  if (input.signBody) added['x-amz-content-sha256'] = bodyHash;

  const all = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) {
    all.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  for (const [name, value] of Object.entries(added)) all.set(name, value);
  if (!all.has('host')) throw new Error('SigV4: the host header must be signed');
  const names = [...all.keys()].sort();
  const signedHeaders = names.join(';');
  const payloadHash = all.get('x-amz-content-sha256') ?? bodyHash;

  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path,
    canonicalQuery(input.query),
    names.map((n) => n + ':' + all.get(n) + '\n').join(''),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', time, scope, await sha256Hex(canonicalRequest)].join('\n');

  const kDate = await hmac(enc.encode('AWS4' + input.credentials.secretAccessKey), day);
  const kRegion = await hmac(kDate, input.region);
  const kService = await hmac(kRegion, input.service);
  const kSigning = await hmac(kService, 'aws4_request');
  const signature = hex(await hmac(kSigning, stringToSign));

  added['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers: added, canonicalRequest, stringToSign, signature };
}

/**
 * Clients for the AWS wire protocols the gateway speaks, all `POST /` on the console's own origin, signed with
 * SigV4 using the in-memory credentials: the query protocol (form body, XML response) and JSON 1.1.
 */
import { getConfig, getCredentials } from './session';
import { sign, type Credentials } from './sigv4';

/** An error returned by the API (or a network failure): shown to the user as `code: message`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Text for any thrown value: API errors as `code: message`, never a stack trace. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.toString();
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

const ENDPOINT = '/';

async function send(
  service: string,
  headers: Record<string, string>,
  body: string,
  creds: Credentials | null,
): Promise<Response> {
  const all: Record<string, string> = { ...headers };
  if (creds) {
    const signed = await sign({
      method: 'POST',
      path: '/',
      headers: { host: location.host, ...headers },
      body,
      region: getConfig().region,
      service,
      credentials: creds,
      date: new Date(),
    });
    Object.assign(all, signed.headers);
  }
  try {
    return await fetch(ENDPOINT, {
      method: 'POST',
      headers: all,
      body,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (e) {
    throw new ApiError('NetworkError', e instanceof Error ? e.message : String(e), 0);
  }
}

function requireCredentials(explicit?: Credentials | null): Credentials {
  const c = explicit === undefined ? getCredentials() : explicit;
  if (!c) throw new ApiError('NotSignedIn', 'Sign in first.', 0);
  return c;
}

// ---------------------------------------------------------------- query protocol (STS, IAM)

export interface QueryOptions {
  /** Credentials to sign with instead of the session's; `null` sends the call unsigned (AssumeRoleWithWebIdentity). */
  credentials?: Credentials | null;
}

/** Calls a query-protocol action; returns the parsed XML response or throws ApiError from `<ErrorResponse>`. */
export async function queryCall(
  service: string,
  version: string,
  action: string,
  params: Record<string, string | undefined>,
  opts: QueryOptions = {},
): Promise<Document> {
  const creds = opts.credentials === null ? null : requireCredentials(opts.credentials);
  const form = new URLSearchParams();
  form.set('Action', action);
  form.set('Version', version);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, v);
  const body = form.toString();
  const r = await send(service, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, creds);
  const text = await r.text();
  const doc = parseXml(text);
  if (!r.ok || (doc && doc.documentElement.localName === 'ErrorResponse')) {
    const code = doc ? xText(doc, 'Code') : '';
    const message = doc ? xText(doc, 'Message') : '';
    throw new ApiError(code || `HTTP${r.status}`, message || r.statusText || 'request failed', r.status);
  }
  if (!doc) throw new ApiError('InvalidResponse', 'The response is not XML.', r.status);
  return doc;
}

function parseXml(text: string): Document | null {
  if (!text.trim()) return null;
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  return doc.getElementsByTagName('parsererror').length > 0 ? null : doc;
}

/** The text of the first descendant element called `name` (namespace ignored), or ''. */
export function xText(node: Document | Element, name: string): string {
  const e = xFirst(node, name);
  return e ? (e.textContent ?? '').trim() : '';
}

export function xFirst(node: Document | Element, name: string): Element | null {
  const list = node.getElementsByTagNameNS('*', name);
  return list.length > 0 ? list[0] : null;
}

/** Direct child elements called `name`. */
export function xChildren(node: Element, name: string): Element[] {
  return Array.from(node.children).filter((c) => c.localName === name);
}

/** The `member` children of the first element called `listName`. */
export function xMembers(node: Document | Element, listName: string): Element[] {
  const list = xFirst(node, listName);
  return list ? xChildren(list, 'member') : [];
}

// ---------------------------------------------------------------- JSON 1.1

/** Calls a JSON 1.1 operation (`X-Amz-Target`); throws ApiError from `__type` / `message`. */
export async function jsonCall<T = Record<string, unknown>>(
  service: string,
  target: string,
  input: unknown,
): Promise<T> {
  const creds = requireCredentials();
  const body = JSON.stringify(input ?? {});
  const r = await send(
    service,
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
    creds,
  );
  const text = await r.text();
  let data: Record<string, unknown> = {};
  if (text.trim()) {
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new ApiError(`HTTP${r.status}`, r.ok ? 'The response is not JSON.' : r.statusText || 'request failed', r.status);
    }
  }
  if (!r.ok) {
    let code = String(data['__type'] ?? r.headers.get('x-amzn-errortype') ?? `HTTP${r.status}`);
    code = code.slice(code.lastIndexOf('#') + 1).split(':')[0];
    const message = String(data['message'] ?? data['Message'] ?? r.statusText ?? 'request failed');
    throw new ApiError(code, message, r.status);
  }
  return data as T;
}

// ---------------------------------------------------------------- services

export const sts = (action: string, params: Record<string, string | undefined> = {}, opts?: QueryOptions) =>
  queryCall('sts', '2011-06-15', action, params, opts);
export const iam = (action: string, params: Record<string, string | undefined> = {}) =>
  queryCall('iam', '2010-05-08', action, params);

export const consoleApi = <T = Record<string, unknown>>(op: string, input: unknown = {}) =>
  jsonCall<T>('mlgate', `MlgateConsole_20261127.${op}`, input);
export const cloudtrail = <T = Record<string, unknown>>(op: string, input: unknown = {}) =>
  jsonCall<T>('cloudtrail', `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.${op}`, input);
/** mlgate's audit-trail operations CloudTrail has no API for (CreateDigest), signed for cloudtrail. */
export const auditControl = <T = Record<string, unknown>>(op: string, input: unknown = {}) =>
  jsonCall<T>('cloudtrail', `MlgateAudit_20261126.${op}`, input);
export const sagemaker = <T = Record<string, unknown>>(op: string, input: unknown = {}) =>
  jsonCall<T>('sagemaker', `SageMaker.${op}`, input);
export const kms = <T = Record<string, unknown>>(op: string, input: unknown = {}) =>
  jsonCall<T>('kms', `TrentService.${op}`, input);

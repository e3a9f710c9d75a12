/** Sign-in: access key pair (optionally exchanged for a session via GetSessionToken, with MFA), or OIDC. */
import { errorText, sts, xFirst, xText } from '../api';
import { h } from '../dom';
import { beginOidc } from '../oidc';
import { getConfig, setSession } from '../session';
import type { Credentials } from '../sigv4';

/** Checks the credentials with GetCallerIdentity and starts the session; returns the caller ARN. */
export async function establish(creds: Credentials): Promise<string> {
  const doc = await sts('GetCallerIdentity', {}, { credentials: creds });
  const arn = xText(doc, 'Arn');
  setSession(creds, arn);
  return arn;
}

export function signinView(root: HTMLElement, done: () => void): () => void {
  const accessKey = h('input', { testid: 'signin-access-key', id: 'signin-access-key', autocomplete: 'off', spellcheck: 'false', required: true });
  const secretKey = h('input', { testid: 'signin-secret-key', id: 'signin-secret-key', type: 'password', autocomplete: 'off', required: true });
  const useSession = h('input', { testid: 'signin-session', id: 'signin-session', type: 'checkbox' });
  const mfaSerial = h('input', { testid: 'signin-mfa-serial', id: 'signin-mfa-serial', autocomplete: 'off', spellcheck: 'false', placeholder: 'arn:aws:iam::123456789012:mfa/user' });
  const mfaCode = h('input', { testid: 'signin-mfa-code', id: 'signin-mfa-code', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, placeholder: '123456' });
  const error = h('p', { testid: 'signin-error', class: 'error', role: 'alert' });
  const submit = h('button', { testid: 'signin-submit', type: 'submit', class: 'primary' }, 'Sign in');
  const mfaBox = h('fieldset', { class: 'mfa', disabled: true },
    h('legend', {}, 'MFA (when the policy requires it)'),
    h('label', { for: 'signin-mfa-serial' }, 'MFA device serial / ARN'), mfaSerial,
    h('label', { for: 'signin-mfa-code' }, 'Code'), mfaCode);
  useSession.addEventListener('change', () => { mfaBox.disabled = !useSession.checked; });

  const form = h('form', { class: 'signin card', autocomplete: 'off' },
    h('h1', {}, 'Sign in to mlgate'),
    h('label', { for: 'signin-access-key' }, 'Access key ID'), accessKey,
    h('label', { for: 'signin-secret-key' }, 'Secret access key'), secretKey,
    h('label', { class: 'check' }, useSession, ' Exchange for a short session (GetSessionToken)'),
    mfaBox,
    submit,
    error);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      let creds: Credentials = { accessKeyId: accessKey.value.trim(), secretAccessKey: secretKey.value.trim() };
      if (!creds.accessKeyId || !creds.secretAccessKey) throw new Error('Enter an access key ID and a secret access key.');
      if (useSession.checked) {
        const serial = mfaSerial.value.trim();
        const code = mfaCode.value.trim();
        const doc = await sts('GetSessionToken', {
          SerialNumber: serial || undefined,
          TokenCode: serial ? code : undefined,
        }, { credentials: creds });
        const c = xFirst(doc, 'Credentials');
        if (!c) throw new Error('GetSessionToken returned no credentials.');
        creds = { accessKeyId: xText(c, 'AccessKeyId'), secretAccessKey: xText(c, 'SecretAccessKey'), sessionToken: xText(c, 'SessionToken') };
      }
      await establish(creds);
      secretKey.value = '';
      mfaCode.value = '';
      done();
    } catch (e) {
      error.textContent = errorText(e);
    } finally {
      submit.disabled = false;
    }
  });

  const parts: Node[] = [form];
  const oidc = getConfig().oidc;
  if (oidc) {
    const oidcError = h('p', { class: 'error', role: 'alert' });
    parts.push(h('div', { class: 'card oidc' },
      h('p', {}, 'Or sign in with your identity provider (', oidc.issuer, ').'),
      h('button', {
        testid: 'signin-oidc', type: 'button',
        onclick: () => { beginOidc(oidc).catch((e) => { oidcError.textContent = errorText(e); }); },
      }, 'Sign in with OIDC'),
      oidcError));
  }
  root.replaceChildren(h('section', { class: 'signin-page' }, ...parts));
  accessKey.focus();
  return () => {};
}

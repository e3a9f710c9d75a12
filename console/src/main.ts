/** The console's entry: configuration, sign-in state, hash routing between the views. */
import './style.css';
import { errorText } from './api';
import { completeOidc } from './oidc';
import { clearSession, getCaller, getConfig, getCredentials, loadConfig, onSessionChange } from './session';
import { auditView } from './views/audit';
import { endpointsView } from './views/endpoints';
import { policiesView } from './views/policies';
import { establish, signinView } from './views/signin';

const app = document.getElementById('app')!;
const nav = document.getElementById('nav')!;
const who = document.getElementById('who')!;
const whoami = document.getElementById('whoami')!;

type View = (root: HTMLElement) => () => void;
const VIEWS: Record<string, View> = {
  '#/policies': policiesView,
  '#/audit': auditView,
  '#/endpoints': endpointsView,
};

let cleanup: () => void = () => {};

function route(): void {
  cleanup();
  cleanup = () => {};
  const hash = location.hash || '#/policies';
  const signedIn = getCredentials() !== null;
  for (const a of Array.from(nav.querySelectorAll('a'))) {
    a.classList.toggle('active', a.getAttribute('href') === hash);
  }
  if (!signedIn) {
    if (hash !== '#/signin') {
      location.replace('#/signin');
      return;
    }
    cleanup = signinView(app, () => { location.hash = '#/policies'; });
    return;
  }
  const view = VIEWS[hash];
  if (!view) {
    location.replace('#/policies');
    return;
  }
  cleanup = view(app);
}

function renderHeader(): void {
  const signedIn = getCredentials() !== null;
  nav.hidden = !signedIn;
  who.hidden = !signedIn;
  whoami.textContent = signedIn ? getCaller() : '';
  whoami.title = signedIn ? getCaller() : '';
}

document.getElementById('signout')!.addEventListener('click', () => {
  clearSession();
  location.hash = '#/signin';
});

onSessionChange(renderHeader);
window.addEventListener('hashchange', route);

async function start(): Promise<void> {
  await loadConfig();
  renderHeader();
  try {
    const creds = await completeOidc(getConfig().oidc);
    if (creds) {
      await establish(creds);
      location.replace('#/policies');
    }
  } catch (e) {
    route();
    const err = document.querySelector('[data-testid="signin-error"]');
    if (err) err.textContent = errorText(e);
    return;
  }
  route();
}

void start();

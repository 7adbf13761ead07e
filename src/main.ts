import { setLang, lang } from './ui/i18n';
import './ui/call-app';

setLang(lang());

// The only place the service worker is registered. A new version waits until the user presses Reload:
// then it takes over and the page reloads once it controls it, never earlier (a call would be cut off).
if ('serviceWorker' in navigator && import.meta.env.PROD) addEventListener('load', () => void register(), { once: true });

/** Loaded after the page, so registration costs the first paint nothing. */
async function register(): Promise<void> {
  const { Workbox } = await import('workbox-window');
  const wb = new Workbox('/sw.js');
  // The prompt's own code loads only when there is something to announce.
  wb.addEventListener(
    'waiting',
    () =>
      void import('./ui/update-prompt').then(() => {
        if (document.querySelector('update-prompt')) return;
        const prompt = document.createElement('update-prompt');
        prompt.reload = () => {
          wb.addEventListener('controlling', () => location.reload());
          wb.messageSkipWaiting();
        };
        document.body.append(prompt);
      }),
  );
  await wb.register();
}

import { it } from 'node:test';
import { closeBrowser, launchFirefox, newFirefoxPage, sleep } from '../test/e2e/harness.ts';
import { startLabServer } from '../test/lab/call-lab.ts';
import { INTERNET_ADDRESS, Lab } from '../test/lab/network.ts';
it('fox', async () => {
  const lab = await Lab.create([{ name: 'f', here: true }]);
  const server = await startLabServer(lab);
  const firefox = await launchFirefox({
    'dom.securecontext.allowlist': INTERNET_ADDRESS,
    'media.devices.insecure.enabled': true,
    'media.getusermedia.insecure.enabled': true,
  });
  try {
    const fox = await newFirefoxPage(firefox);
    fox.on('console', (m) => console.log('[fox]', m.text()));
    await fox.goto(`${server.url}/r/AAAAAAAAAAAAAAAAAAAAAA#${'B'.repeat(43)}`, { timeout: 60_000, waitUntil: 'domcontentloaded' });
    await sleep(5000);
    console.log(
      await fox.evaluate(() =>
        JSON.stringify({
          secure: isSecureContext,
          url: location.href,
          body: document.body.innerHTML.slice(0, 300),
          subtle: !!crypto.subtle,
        }),
      ),
    );
    console.log('aria', !!(await fox.$('aria/Your name[role="textbox"]')), !!(await fox.$('call-app >>> input[name="name"]')));
  } finally {
    await closeBrowser(firefox);
    await server.stop();
    await lab.close();
  }
});

/**
 * A QR code of `text` as an SVG data URL. The library loads on first use, keeping it out of the home page's
 * JavaScript. An object rather than a bare function so the browser tests, whose unbundled loader cannot run
 * the library's CommonJS, can put a stand-in here.
 */
export const qrCode = {
  async dataUrl(text: string): Promise<string> {
    const { toString } = await import('qrcode');
    const svg = await toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  },
};

// Injected (test/webkit/browser.py --script) before the app's scripts, only by the WebKit tests that look at
// the screens of a call before anyone else is in it. Debian 12's WebKit has no RTCPeerConnection, so the app
// would rightly show its "this browser cannot make calls" page; iOS Safari has one. This stand-in gives the
// app just what it uses before the first peer arrives: the constructor, generateCertificate, and a
// throwaway offer that carries a fingerprint (src/core/identity.ts reads its own fingerprint from it). A peer
// arriving would find nothing behind it: no test here lets one arrive.
(() => {
  if (typeof window.RTCPeerConnection === 'function') return;
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().slice(-2).padStart(2, '0')).join(':');
  class RTCPeerConnection extends EventTarget {
    static generateCertificate() {
      return Promise.resolve({ expires: Date.now() + 24 * 3600 * 1000 });
    }
    constructor() {
      super();
      this.connectionState = 'new';
      this.signalingState = 'stable';
    }
    createDataChannel(label) {
      return Object.assign(new EventTarget(), { label, readyState: 'connecting', close() {} });
    }
    async createOffer() {
      return { type: 'offer', sdp: `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 ${fingerprint}\r\n` };
    }
    close() {
      this.connectionState = 'closed';
      this.signalingState = 'closed';
    }
  }
  Object.defineProperty(window, 'RTCPeerConnection', { value: RTCPeerConnection, configurable: true, writable: true });
})();

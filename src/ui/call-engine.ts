// Everything past the home page, in one chunk that call-app loads on first need (a room link, or "Start a
// call"): the call engine from src/core, the phone features that follow it, and the pre-join and call
// screens. The home page's JavaScript stays small; the service worker precaches this chunk after the first
// visit, so joining later, or offline-first, does not wait for the network.
import { Call } from '../core/call';
import type { CallStore } from '../core/call-store';
import { signalingUrl } from '../core/signaling-client';
import './call-view';
import './prejoin-view';

export { CallDeviceFeatures } from '../core/device-features';

/** The engine for this page, publishing to the store the UI already reads. */
export function createCall(store: CallStore, iceTransportPolicy: RTCIceTransportPolicy): Call {
  return new Call({ store, signalingUrl: signalingUrl(location), iceTransportPolicy });
}

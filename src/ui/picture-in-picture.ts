// The call in a small always-on-top window while the tab is hidden: Document Picture-in-Picture where the
// browser has it (a real window, so it carries our own mute and hang-up buttons), otherwise the video
// element's own picture-in-picture, whose mute and hang-up buttons come from the Media Session API.
import { css, html, nothing, render } from 'lit';
import type { CallState, Participant } from '../core/call-store';
import { icon } from './icons';
import { t } from './i18n';
import { emit } from './intent';
import { modeOf, tilesOf } from './layout';

export type PipKind = 'document' | 'video';

interface DocumentPictureInPicture {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
  readonly window: Window | null;
}

declare global {
  interface Window {
    documentPictureInPicture?: DocumentPictureInPicture;
  }
}

/** What this browser offers, or null (Firefox has only its own per-video button, which a page cannot open). */
export function pipKind(): PipKind | null {
  if (window.documentPictureInPicture) return 'document';
  if (document.pictureInPictureEnabled) return 'video';
  return null;
}

/** The picture people want while away: someone's shared screen, else the one other person, else who is speaking. */
export function pipSubject(s: CallState): { peer: Participant; stream: MediaStream } | null {
  const { main } = modeOf(tilesOf(s));
  const byKey = (key: string | null | undefined) => s.participants.find((p) => p.key === key || `${p.key}:screen` === key);
  const mainPeer = byKey(main);
  if (mainPeer && main?.endsWith(':screen') && mainPeer.screen) return { peer: mainPeer, stream: mainPeer.screen };
  const peer = [mainPeer, byKey(s.speaker), ...s.participants].find((p) => p?.stream);
  return peer?.stream ? { peer, stream: peer.stream } : null;
}

const styles = css`
  html,
  body {
    margin: 0;
    height: 100%;
    background: #111;
    color: #fff;
    font:
      14px system-ui,
      sans-serif;
  }
  body {
    display: grid;
    grid-template-rows: minmax(0, 1fr) auto;
  }
  video {
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: #000;
  }
  .waiting {
    display: grid;
    place-items: center;
  }
  .bar {
    display: flex;
    gap: 12px;
    justify-content: center;
    align-items: center;
    padding: 8px;
  }
  .name {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  button {
    width: 44px;
    height: 44px;
    border-radius: 50%;
    border: 0;
    display: grid;
    place-items: center;
    cursor: pointer;
    background: #3a3a3a;
    color: #fff;
  }
  button[aria-pressed='false'] {
    background: #fff;
    color: #111;
  }
  button.danger {
    background: #d93025;
  }
  button:focus-visible {
    outline: 3px solid #8ab4f8;
    outline-offset: 2px;
  }
  .icon {
    width: 22px;
    height: 22px;
  }
`;

/**
 * One picture-in-picture window for the call screen that owns it. Buttons in the window send the same intents
 * as the control bar, dispatched from `host` so the root carries them out as usual.
 */
export class CallPictureInPicture {
  private win: Window | null = null;
  private video: HTMLVideoElement | null = null;
  private state: CallState | null = null;
  private offered = false;

  constructor(private readonly host: HTMLElement) {}

  get isOpen(): boolean {
    return this.win !== null || (this.video !== null && document.pictureInPictureElement === this.video);
  }

  /**
   * Lets the browser open the window by itself when the tab is hidden (Chrome does this for calls through the
   * Media Session "enterpictureinpicture" action), as well as from our button.
   */
  offer(state: CallState): void {
    this.update(state);
    if (this.offered) return;
    this.offered = true;
    setAction('enterpictureinpicture', () => void this.open());
    setAction('togglemicrophone', () => emit(this.host, { type: 'toggle-mic' }));
    setAction('togglecamera', () => emit(this.host, { type: 'toggle-camera' }));
    setAction('hangup', () => emit(this.host, { type: 'leave' }));
  }

  /** Opens the window; must run from a user's click (or the browser's own action above). */
  async open(): Promise<void> {
    if (this.isOpen || !this.state) return;
    const kind = pipKind();
    if (kind === 'document' && window.documentPictureInPicture) {
      const win = await window.documentPictureInPicture.requestWindow({ width: 360, height: 260 });
      win.document.documentElement.lang = document.documentElement.lang;
      win.document.title = document.title;
      const style = win.document.createElement('style');
      style.textContent = styles.cssText;
      win.document.head.append(style);
      win.addEventListener('pagehide', () => {
        if (this.win === win) this.win = null;
      });
      this.win = win;
      this.renderWindow();
    } else if (kind === 'video') {
      await this.openVideo();
    }
  }

  /** Keeps the window's picture and buttons in step with the call. */
  update(state: CallState): void {
    this.state = state;
    if (this.win) this.renderWindow();
    const subject = pipSubject(state);
    if (this.video && subject && this.video.srcObject !== subject.stream) this.video.srcObject = subject.stream;
    // Browsers without these calls just show no state on the buttons.
    void navigator.mediaSession?.setMicrophoneActive?.(state.mic)?.catch(() => undefined);
    void navigator.mediaSession?.setCameraActive?.(state.camera)?.catch(() => undefined);
  }

  close(): void {
    if (!this.offered && !this.isOpen) return;
    this.offered = false;
    for (const action of ['enterpictureinpicture', 'togglemicrophone', 'togglecamera', 'hangup'] as const) setAction(action, null);
    this.win?.close();
    this.win = null;
    if (this.video && document.pictureInPictureElement === this.video) void document.exitPictureInPicture().catch(() => undefined);
    if (this.video) this.video.srcObject = null;
    this.video = null;
  }

  private renderWindow(): void {
    const s = this.state;
    const win = this.win;
    if (!s || !win) return;
    const subject = pipSubject(s);
    render(
      html`${
          subject
            ? html`<video .srcObject=${subject.stream} autoplay playsinline .muted=${true} aria-label=${subject.peer.name}></video>`
            : html`<p class="waiting">${t('waiting')}</p>`
        }
        <div class="bar" role="toolbar" aria-label=${t('controls')}>
          <span class="name">${subject?.peer.name ?? nothing}</span>
          <button aria-label=${t('microphone')} aria-pressed=${String(s.mic)} @click=${() => emit(this.host, { type: 'toggle-mic' })}>
            ${icon(s.mic ? 'mic' : 'micOff')}
          </button>
          <button class="danger" aria-label=${t('leave')} @click=${() => emit(this.host, { type: 'leave' })}>${icon('hangUp')}</button>
        </div>`,
      win.document.body,
    );
  }

  /** The element's own picture-in-picture: a muted video of its own (the page's tiles keep playing the sound). */
  private async openVideo(): Promise<void> {
    const subject = this.state && pipSubject(this.state);
    if (!subject) return;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = subject.stream;
    this.video = video;
    await video.play();
    await video.requestPictureInPicture();
  }
}

type PipAction = 'enterpictureinpicture' | 'togglemicrophone' | 'togglecamera' | 'hangup';

/** Browsers throw on actions they do not know; each is optional. */
function setAction(action: PipAction, handler: (() => void) | null): void {
  try {
    navigator.mediaSession?.setActionHandler(action as MediaSessionAction, handler);
  } catch {
    // Not supported here: that button is simply absent from the browser's window.
  }
}

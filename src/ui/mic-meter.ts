import { css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { t } from './i18n';
import { LocalizedElement } from './lang-controller';

/** How often the meter's value is given to assistive tech; the bar itself moves every frame. */
const ANNOUNCE_MS = 500;

/**
 * A live level of the microphone in `stream`, so people see that they are heard before joining. An
 * AnalyserNode reads the signal; each animation frame sets the bar's width directly (no re-render). A
 * browser that starts audio suspended until a gesture is resumed on the first tap or key.
 */
@customElement('mic-meter')
export class MicMeter extends LocalizedElement {
  @property({ attribute: false }) stream: MediaStream | null = null;
  @query('.level') private level?: HTMLElement;
  @query('[role="meter"]') private meter?: HTMLElement;
  private audio: AudioContext | null = null;
  private frame = 0;
  private announced = 0;

  static styles = css`
    :host {
      display: block;
    }
    [role='meter'] {
      height: 6px;
      border-radius: 3px;
      background: rgb(255 255 255 / 0.35);
      overflow: hidden;
    }
    .level {
      height: 100%;
      width: 0;
      background: #4ade80;
      transition: width 0.06s linear;
    }
  `;

  disconnectedCallback(): void {
    this.stop();
    super.disconnectedCallback();
  }

  protected updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('stream')) this.start();
  }

  private stop() {
    cancelAnimationFrame(this.frame);
    void this.audio?.close().catch(() => undefined);
    this.audio = null;
    removeEventListener('pointerdown', this.resume);
    removeEventListener('keydown', this.resume);
  }

  private readonly resume = () => void this.audio?.resume().catch(() => undefined);

  private start() {
    this.stop();
    const track = this.stream?.getAudioTracks()[0];
    if (!track || typeof AudioContext !== 'function') return this.show(0);
    this.audio = new AudioContext();
    addEventListener('pointerdown', this.resume, { once: true });
    addEventListener('keydown', this.resume, { once: true });
    const analyser = this.audio.createAnalyser();
    analyser.fftSize = 512;
    this.audio.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      // RMS on a rough dB scale: -60 dB reads as empty, 0 dB as full, speech lands around the middle.
      const db = 20 * Math.log10(Math.sqrt(sum / samples.length) || 1e-6);
      this.show(Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100))));
      this.frame = requestAnimationFrame(tick);
    };
    tick();
  }

  private show(percent: number) {
    this.level?.style.setProperty('width', `${micOn(this.stream) ? percent : 0}%`);
    const now = performance.now();
    if (this.meter && now - this.announced >= ANNOUNCE_MS) {
      this.announced = now;
      this.meter.setAttribute('aria-valuenow', String(percent));
    }
  }

  render() {
    return html`<div role="meter" aria-label=${t('micLevel')} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
      <div class="level"></div>
    </div>`;
  }
}

/** A muted microphone reads as silent, whatever the analyser still hears. */
function micOn(stream: MediaStream | null): boolean {
  return stream?.getAudioTracks()[0]?.enabled ?? false;
}

declare global {
  interface HTMLElementTagNameMap {
    'mic-meter': MicMeter;
  }
}

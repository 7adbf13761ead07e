// The app's icons: Lucide's icon nodes (plain data, one module per icon) drawn as inline SVG through Lit
// templates. Each is imported from its own module rather than from 'lucide': the build would tree-shake the
// rest either way, but the unbundled browser tests would load all ~2000 modules of its index. No innerHTML,
// so the page's Content-Security-Policy has nothing to object to. Icons are decoration: the button around
// one carries the accessible name, so every SVG is aria-hidden.
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import Ban from 'lucide/dist/esm/icons/ban.mjs';
import BellRing from 'lucide/dist/esm/icons/bell-ring.mjs';
import CircleHelp from 'lucide/dist/esm/icons/circle-question-mark.mjs';
import Copy from 'lucide/dist/esm/icons/copy.mjs';
import Download from 'lucide/dist/esm/icons/download.mjs';
import Ellipsis from 'lucide/dist/esm/icons/ellipsis.mjs';
import Files from 'lucide/dist/esm/icons/files.mjs';
import Link from 'lucide/dist/esm/icons/link.mjs';
import LoaderCircle from 'lucide/dist/esm/icons/loader-circle.mjs';
import MessageSquare from 'lucide/dist/esm/icons/message-square.mjs';
import Mic from 'lucide/dist/esm/icons/mic.mjs';
import MicOff from 'lucide/dist/esm/icons/mic-off.mjs';
import Move from 'lucide/dist/esm/icons/move.mjs';
import Pencil from 'lucide/dist/esm/icons/pencil.mjs';
import Phone from 'lucide/dist/esm/icons/phone.mjs';
import PhoneOff from 'lucide/dist/esm/icons/phone-off.mjs';
import PictureInPicture from 'lucide/dist/esm/icons/picture-in-picture-2.mjs';
import QrCode from 'lucide/dist/esm/icons/qr-code.mjs';
import RefreshCw from 'lucide/dist/esm/icons/refresh-cw.mjs';
import ScreenShare from 'lucide/dist/esm/icons/screen-share.mjs';
import ScreenShareOff from 'lucide/dist/esm/icons/screen-share-off.mjs';
import Settings from 'lucide/dist/esm/icons/settings.mjs';
import Share2 from 'lucide/dist/esm/icons/share-2.mjs';
import ShieldAlert from 'lucide/dist/esm/icons/shield-alert.mjs';
import ShieldCheck from 'lucide/dist/esm/icons/shield-check.mjs';
import SwitchCamera from 'lucide/dist/esm/icons/switch-camera.mjs';
import Trash from 'lucide/dist/esm/icons/trash.mjs';
import TriangleAlert from 'lucide/dist/esm/icons/triangle-alert.mjs';
import Upload from 'lucide/dist/esm/icons/upload.mjs';
import UserPlus from 'lucide/dist/esm/icons/user-plus.mjs';
import UserRound from 'lucide/dist/esm/icons/user-round.mjs';
import Users from 'lucide/dist/esm/icons/users.mjs';
import Video from 'lucide/dist/esm/icons/video.mjs';
import VideoOff from 'lucide/dist/esm/icons/video-off.mjs';
import Wifi from 'lucide/dist/esm/icons/wifi.mjs';
import WifiOff from 'lucide/dist/esm/icons/wifi-off.mjs';
import X from 'lucide/dist/esm/icons/x.mjs';

type Attrs = Record<string, string | number | undefined>;
export type IconNode = ReadonlyArray<readonly [tag: string, attrs: Attrs]>;

export const ICONS = {
  mic: Mic,
  micOff: MicOff,
  camera: Video,
  cameraOff: VideoOff,
  screen: ScreenShare,
  screenOff: ScreenShareOff,
  chat: MessageSquare,
  files: Files,
  more: Ellipsis,
  hangUp: PhoneOff,
  link: Link,
  qr: QrCode,
  settings: Settings,
  share: Share2,
  switchCamera: SwitchCamera,
  close: X,
  move: Move,
  pip: PictureInPicture,
  block: Ban,
  ring: BellRing,
  copy: Copy,
  export: Download,
  rename: Pencil,
  phone: Phone,
  newLink: RefreshCw,
  keyChanged: ShieldAlert,
  verified: ShieldCheck,
  remove: Trash,
  alert: TriangleAlert,
  import: Upload,
  person: UserRound,
  addContact: UserPlus,
  contacts: Users,
  online: Wifi,
  offline: WifiOff,
  unknown: CircleHelp,
  pending: LoaderCircle,
} satisfies Record<string, IconNode>;

export type IconName = keyof typeof ICONS;

const str = (v: string | number | undefined): string => (v === undefined ? '' : String(v));

/** One shape of an icon. Lit cannot bind a tag name, so each element Lucide uses has its template. */
function shape([tag, a]: readonly [string, Attrs]): SVGTemplateResult {
  switch (tag) {
    case 'path':
      return svg`<path d=${str(a.d)}></path>`;
    case 'circle':
      return svg`<circle cx=${str(a.cx)} cy=${str(a.cy)} r=${str(a.r)}></circle>`;
    case 'rect':
      return svg`<rect x=${str(a.x)} y=${str(a.y)} width=${str(a.width)} height=${str(a.height)} rx=${str(a.rx ?? 0)}></rect>`;
    case 'line':
      return svg`<line x1=${str(a.x1)} y1=${str(a.y1)} x2=${str(a.x2)} y2=${str(a.y2)}></line>`;
    default:
      // An icon of a newer Lucide with an element not listed here: better a gap in the drawing than a crash.
      return svg``;
  }
}

/** An icon at 24x24 in the current text colour, Lucide's stroke style. */
export function icon(name: IconName): TemplateResult {
  return html`<svg
    class="icon"
    viewBox="0 0 24 24"
    width="24"
    height="24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${ICONS[name].map(shape)}
  </svg>`;
}

// Every user-visible string, in English and Spanish. The Spanish table is typed against the English one,
// so a missing translation is a compile error.
const en = {
  appName: 'P2P Call',
  tagline: 'Video calls straight from browser to browser. Open a link, talk, share files.',
  startCall: 'Start a call',
  yourName: 'Your name',
  microphone: 'Microphone',
  camera: 'Camera',
  join: 'Join',
  joining: 'Joining…',
  copyLink: 'Copy link',
  linkCopied: 'Link copied',
  copyFailed: 'Could not copy. The link is the address of this page.',
  leave: 'Leave',
  you: '(you)',
  cameraOff: 'Camera off',
  micOff: 'Microphone off',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  serverReconnecting: 'Connection to the server lost. Reconnecting…',
  waiting: 'Waiting for others to join. Share the link to invite them.',
  preview: 'Camera preview',
  noDevices: 'None found',
  mediaDenied: 'Camera or microphone access was denied. You can still join and see and hear the others; allow access in the browser settings to be seen or heard.',
  mediaMissing: 'No camera or microphone was found. You can still join to see and hear the others.',
  mediaInUse: 'Your camera or microphone is in use by another program. You can still join; close the other program to be seen or heard.',
  mediaFailed: 'Camera and microphone are not available here. You can still join to see and hear the others.',
  fullTitle: 'This call is full',
  fullBody: 'The call already has the most people it can hold. Ask someone to leave, or start a new call.',
  backHome: 'Back to start',
  serverRefused: 'The signaling server refused this page. Check the server settings.',
  badRoom: 'This link is not a valid call link.',
  controls: 'Call controls',
  participants: 'Participants',
  language: 'Language',
  shareScreen: 'Share screen',
  screenOf: "{name}'s screen",
  screenFailed: 'Screen sharing was not allowed or is not available in this browser.',
  videoPaused: 'Video paused (low bandwidth)',
  qualityGood: 'Connection good',
  qualityFair: 'Connection fair',
  qualityPoor: 'Connection poor',
  speaking: 'Speaking',
  devices: 'Devices',
};

export type StringKey = keyof typeof en;

const es: Record<StringKey, string> = {
  appName: 'Llamada P2P',
  tagline: 'Videollamadas directas de navegador a navegador. Abre un enlace, habla, comparte archivos.',
  startCall: 'Iniciar una llamada',
  yourName: 'Tu nombre',
  microphone: 'Micrófono',
  camera: 'Cámara',
  join: 'Unirse',
  joining: 'Uniéndose…',
  copyLink: 'Copiar enlace',
  linkCopied: 'Enlace copiado',
  copyFailed: 'No se pudo copiar. El enlace es la dirección de esta página.',
  leave: 'Salir',
  you: '(tú)',
  cameraOff: 'Cámara apagada',
  micOff: 'Micrófono apagado',
  connecting: 'Conectando…',
  reconnecting: 'Reconectando…',
  serverReconnecting: 'Se perdió la conexión con el servidor. Reconectando…',
  waiting: 'Esperando a que se unan otros. Comparte el enlace para invitarlos.',
  preview: 'Vista previa de la cámara',
  noDevices: 'No se encontró ninguno',
  mediaDenied: 'Se denegó el acceso a la cámara o al micrófono. Aún puedes unirte para ver y oír a los demás; permite el acceso en la configuración del navegador para que te vean o te oigan.',
  mediaMissing: 'No se encontró cámara ni micrófono. Aún puedes unirte para ver y oír a los demás.',
  mediaInUse: 'Otro programa está usando tu cámara o micrófono. Aún puedes unirte; cierra el otro programa para que te vean o te oigan.',
  mediaFailed: 'La cámara y el micrófono no están disponibles aquí. Aún puedes unirte para ver y oír a los demás.',
  fullTitle: 'Esta llamada está llena',
  fullBody: 'La llamada ya tiene el máximo de personas. Pide a alguien que salga o inicia una llamada nueva.',
  backHome: 'Volver al inicio',
  serverRefused: 'El servidor de señalización rechazó esta página. Revisa la configuración del servidor.',
  badRoom: 'Este enlace no es un enlace de llamada válido.',
  controls: 'Controles de la llamada',
  participants: 'Participantes',
  language: 'Idioma',
  shareScreen: 'Compartir pantalla',
  screenOf: 'Pantalla de {name}',
  screenFailed: 'No se permitió compartir la pantalla o este navegador no puede hacerlo.',
  videoPaused: 'Vídeo en pausa (poco ancho de banda)',
  qualityGood: 'Conexión buena',
  qualityFair: 'Conexión regular',
  qualityPoor: 'Conexión mala',
  speaking: 'Hablando',
  devices: 'Dispositivos',
};

export type Lang = 'en' | 'es';
const tables: Record<Lang, Record<StringKey, string>> = { en, es };

export function pickLang(languages: readonly string[]): Lang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}

let current: Lang = typeof navigator === 'undefined' ? 'en' : pickLang(navigator.languages ?? [navigator.language]);

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

export function t(key: StringKey): string {
  return tables[current][key];
}

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
  chat: 'Chat',
  messages: 'Messages',
  message: 'Message',
  send: 'Send',
  noMessages: 'No messages yet.',
  files: 'Files',
  sendFile: 'Send file',
  sendTo: 'Send to',
  everyone: 'Everyone',
  dropHint: 'Drop or paste files anywhere to send them.',
  transfers: 'Transfers',
  fromPeer: 'from {name}',
  toPeer: 'to {name}',
  accept: 'Accept',
  decline: 'Decline',
  cancel: 'Cancel',
  save: 'Save',
  dismiss: 'Dismiss',
  timeLeft: '{time} left',
  stateOffered: 'Wants to send you this file',
  stateWaiting: 'Waiting for them to accept',
  stateActive: 'Transferring',
  stateInterrupted: 'Connection dropped, resuming…',
  stateDone: 'Done, checksum verified',
  stateDeclined: 'Declined',
  stateCancelled: 'Cancelled',
  stateFailed: 'Failed',
  reasonCorrupt: 'the file arrived damaged (checksum mismatch), nothing was kept',
  reasonBadData: 'the other side sent invalid data',
  reasonNoStorage: 'this browser has no room to store the file',
  reasonFailed: 'an error occurred',
  reasonPeerLeft: 'the other person left',
  savedToDisk: 'Saved to the file you chose',
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
  chat: 'Chat',
  messages: 'Mensajes',
  message: 'Mensaje',
  send: 'Enviar',
  noMessages: 'Aún no hay mensajes.',
  files: 'Archivos',
  sendFile: 'Enviar archivo',
  sendTo: 'Enviar a',
  everyone: 'Todos',
  dropHint: 'Suelta o pega archivos en cualquier lugar para enviarlos.',
  transfers: 'Transferencias',
  fromPeer: 'de {name}',
  toPeer: 'para {name}',
  accept: 'Aceptar',
  decline: 'Rechazar',
  cancel: 'Cancelar',
  save: 'Guardar',
  dismiss: 'Descartar',
  timeLeft: 'quedan {time}',
  stateOffered: 'Quiere enviarte este archivo',
  stateWaiting: 'Esperando a que acepten',
  stateActive: 'Transfiriendo',
  stateInterrupted: 'Se cortó la conexión, reanudando…',
  stateDone: 'Listo, suma de comprobación verificada',
  stateDeclined: 'Rechazado',
  stateCancelled: 'Cancelado',
  stateFailed: 'Falló',
  reasonCorrupt: 'el archivo llegó dañado (la suma de comprobación no coincide), no se guardó nada',
  reasonBadData: 'el otro lado envió datos no válidos',
  reasonNoStorage: 'este navegador no tiene espacio para guardar el archivo',
  reasonFailed: 'ocurrió un error',
  reasonPeerLeft: 'la otra persona salió',
  savedToDisk: 'Guardado en el archivo que elegiste',
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

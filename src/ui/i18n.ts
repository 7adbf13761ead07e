// Every user-visible string, in English and Spanish. The Spanish table is typed against the English one,
// so a missing translation, or one that drops a {placeholder}, is a compile error.
const en = {
  appName: 'P2P Call',
  loading: 'Loading…',
  myLinkTitle: 'My call link',
  pushUnavailable: 'This server cannot ring you while the app is closed.',
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
  mediaDenied:
    'Camera or microphone access was denied. You can still join and see and hear the others; allow access in the browser settings to be seen or heard.',
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
  updateTitle: 'Update',
  updateAvailable: 'A new version is available',
  reload: 'Reload',
  offline: 'You are offline. The app works, but calls need a connection: reconnect to start or join one.',
  shareLink: 'Share link',
  shareTitle: 'Join my call',
  qrCode: 'QR code',
  qrAlt: 'QR code of the call link',
  invite: 'Invite',
  switchCamera: 'Switch camera',
  pictureInPicture: 'Picture in picture',
  sharedReady: 'Shared file ready:',
  sharedReadyMany: 'Shared files ready:',
  sendToEveryone: 'Send to everyone',
  sharedStartHint: 'Start or join a call to send it.',
  dismiss: 'Dismiss',
  sharedSent: 'Sent to everyone',
  close: 'Close',
  prejoinTitle: 'Ready to join?',
  callTitle: 'Call in progress',
  shareScreen: 'Share screen',
  screenOf: "{name}'s screen",
  screenFailed: 'Screen sharing was not allowed or is not available in this browser.',
  videoPaused: 'Video paused (low bandwidth)',
  qualityGood: 'Connection good',
  qualityFair: 'Connection fair',
  qualityPoor: 'Connection poor',
  speaking: 'Speaking',
  devices: 'Devices',
  verify: 'Verify',
  safetyNumberHelp: 'Safety number. Read it out to each other: if you both see the same digits, nobody is intercepting this call.',
  tamperedSignal: "A message that failed this room's encryption check was ignored. Someone may be interfering with the connection.",
  missingSecret:
    'This call link is incomplete: the part after "#" is missing, and the call cannot be joined securely without it. Ask for the full link.',
  identityMismatch: "Connection refused: the other side's identity did not match (possible interception).",
  turnRefused:
    "Can't reach the other person: the relay server refused our credentials (they may have expired). Reload the page to get new ones.",
  relayUnavailable: "Can't reach the other person: relay-only mode is on, but no relay server could be reached.",
  noRelay: "Can't reach the other person: a firewall or NAT is probably blocking a direct connection, and no relay server is configured.",
  unreachable: "Can't reach the other person: no network path worked, not even through the relay server. A firewall may be blocking it.",
  more: 'More',
  unread: '{n} new',
  notifications: 'Notifications',
  fileOfferFrom: '{name} wants to send you a file',
  fileToastLabel: 'File from {name}: {file}',
  messageFrom: 'Message from {name}',
  openChat: 'Open chat',
  settings: 'Settings',
  micLevel: 'Microphone level',
  moveSelfView: 'Move your picture',
  cannotCallTitle: 'This browser cannot make calls',
  cannotCallBody:
    'It has no WebRTC, the part of a browser that carries video calls. Some apps open links in a built-in browser that leaves it out.',
  cannotCallWhat: 'Open this link in Chrome, Edge, Firefox or Safari instead:',
  homeCannotCall: 'This browser cannot make calls (it has no WebRTC). Open this page in Chrome, Edge, Firefox or Safari to start one.',
  myCallLink: 'My call link',
  contacts: 'Contacts',
  myLinkHelp: 'Anyone with this link can ring you. Give it only to people you want calls from.',
  myLinkLoading: 'Preparing your call link…',
  myQrAlt: 'QR code of your call link',
  myLinkCopyFailed: 'Could not copy. Select the link and copy it yourself.',
  newLink: 'New link',
  newLinkTitle: 'Make a new link?',
  newLinkBody: 'The links you gave out stop ringing. Your saved contacts can still call you.',
  newLinkConfirm: 'Make a new link',
  nameHint: 'The people you call see this name.',
  statusOnline: 'Online: your link rings here.',
  statusConnecting: 'Connecting to the server…',
  statusRefused:
    'The server refused this device, so your link does not ring here. Another browser may be using the same identity, or its signature could not be checked. Reload the page to try again.',
  statusOff: 'Offline: your link does not ring here right now.',
  ringWhenClosed: 'Ring me when the app is closed',
  ringWhenClosedHelp: 'Uses your browser’s notifications. Your browser’s push service learns when you are rung, not by whom.',
  pushDenied: 'Notifications are blocked for this site. Allow them in the browser settings to be rung when the app is closed.',
  callPerson: 'Call {name}',
  callOwner: 'Call the owner of this link',
  call: 'Call',
  linkBroken: 'This call link does not work',
  linkNotACallLink: 'This is not a call link. Check that you copied all of it.',
  linkNewerVersion: 'This call link is from a newer version of the app. Reload the page to update.',
  linkTruncated: 'This call link is cut off: part of it is missing. Ask for the link again.',
  linkTypo: 'This call link has a typo in it. Copy it again rather than retyping it.',
  callingName: 'Calling {name}…',
  callingOwner: 'Calling the owner of this link…',
  endDeclined: 'Call declined.',
  endNoAnswer: 'No answer. Try again later.',
  endCancelled: 'Call cancelled.',
  endBusy: 'They are in another call right now. Try again later.',
  endUnknownLink: 'This link no longer rings: ask for a new one.',
  endRateLimited: 'Too many calls in a short time. Wait a minute, then try again.',
  endBadLink: 'This call link has a typo or is cut off. Ask for the link again.',
  endFailed: 'The call could not be made: the server could not be reached, or the answer could not be verified.',
  endAnsweredElsewhere: 'The call was answered on another device.',
  back: 'Back',
  callEnded: 'Call ended',
  keyChanged: '{name}’s safety number changed',
  keyChangedBody:
    'They may have reinstalled the app or changed device, or someone may be trying to intercept the call. Compare safety numbers with them before you trust it.',
  isCalling: '{name} is calling',
  someone: 'Someone',
  trustVerified: 'Verified contact',
  trustKnown: 'Contact',
  trustNew: 'Not in your contacts',
  notYourContact: 'Not your saved contact {name}: someone else is using that name',
  busyNote: 'You are in a call: accepting ends it.',
  missedCall: 'Missed call from {name}',
  answeredElsewhere: 'Answered on another device',
  youDeclined: 'You declined the call from {name}.',
  youWereBusy: 'You were in a call, so {name} was told you are busy.',
  incomingFailed: 'The call from {name} could not be connected.',
  ringtoneSilenced: 'Ringtone silenced',
  presenceOnline: 'Online',
  presencePush: 'Reachable by push',
  presenceUnknown: 'Status unknown',
  noContacts: 'No contacts yet. After a call, you can save the person you talked to, and they appear here.',
  noName: 'No name',
  rename: 'Rename',
  renameLabel: 'New name for {name}',
  safetyNumberWith: 'Your safety number with {name}',
  safetyNumberCompare: 'Compare these digits with {name}, face to face or on a call. If they match, nobody is in between you.',
  computing: 'Computing…',
  markVerified: 'Mark as verified',
  block: 'Block',
  unblock: 'Unblock',
  blocked: 'Blocked',
  remove: 'Remove',
  removeTitle: 'Remove {name}?',
  removeBody: 'Their name and key are deleted from this device. They can still call you through your link.',
  exportContacts: 'Export',
  importContacts: 'Import',
  contactsImported: 'Imported {n} contacts.',
  contactsImportFailed: 'Could not import: {error}',
  contactSaved: '{name} was saved to your contacts.',
  saveContactQuestion: 'Save {name} as a contact?',
  saveContactHelp: 'Contacts can call each other even after one of you makes a new link.',
  notNow: 'Not now',
} as const;

type English = typeof en;
export type StringKey = keyof English;

/** The names in a string's `{name}` placeholders. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type NamesOf<K extends StringKey> = Placeholders<English[K]>;
/** What `t` needs after the key: nothing for a plain string, else a value for every placeholder. */
type ParamArgs<K extends StringKey> = [NamesOf<K>] extends [never] ? [] : [params: Record<NamesOf<K>, string | number>];
/** Keys of the strings without placeholders, for tables that map a state to its text. */
export type PlainKey = { [K in StringKey]: [NamesOf<K>] extends [never] ? K : never }[StringKey];

type AllOf<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** A translation of English string S: any text, as long as it keeps each of S's placeholders (in any order). */
type Translation<S extends string> = [Placeholders<S>] extends [never] ? string : AllOf<`${string}{${Placeholders<S>}}${string}`>;

const es: { [K in StringKey]: Translation<English[K]> } = {
  appName: 'Llamada P2P',
  loading: 'Cargando…',
  myLinkTitle: 'Mi enlace de llamada',
  pushUnavailable: 'Este servidor no puede avisarte de llamadas con la aplicación cerrada.',
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
  mediaDenied:
    'Se denegó el acceso a la cámara o al micrófono. Aún puedes unirte para ver y oír a los demás; permite el acceso en la configuración del navegador para que te vean o te oigan.',
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
  updateTitle: 'Actualización',
  updateAvailable: 'Hay una versión nueva disponible',
  reload: 'Recargar',
  offline:
    'Estás sin conexión. La aplicación funciona, pero las llamadas necesitan conexión: vuelve a conectarte para iniciar o unirte a una.',
  shareLink: 'Compartir enlace',
  shareTitle: 'Únete a mi llamada',
  qrCode: 'Código QR',
  qrAlt: 'Código QR del enlace de la llamada',
  invite: 'Invitar',
  switchCamera: 'Cambiar cámara',
  pictureInPicture: 'Imagen en imagen',
  sharedReady: 'Archivo compartido listo:',
  sharedReadyMany: 'Archivos compartidos listos:',
  sendToEveryone: 'Enviar a todos',
  sharedStartHint: 'Inicia una llamada o únete a una para enviarlo.',
  dismiss: 'Descartar',
  sharedSent: 'Enviado a todos',
  close: 'Cerrar',
  prejoinTitle: '¿Listo para unirte?',
  callTitle: 'Llamada en curso',
  shareScreen: 'Compartir pantalla',
  screenOf: 'Pantalla de {name}',
  screenFailed: 'No se permitió compartir la pantalla o este navegador no puede hacerlo.',
  videoPaused: 'Vídeo en pausa (poco ancho de banda)',
  qualityGood: 'Conexión buena',
  qualityFair: 'Conexión regular',
  qualityPoor: 'Conexión mala',
  speaking: 'Hablando',
  devices: 'Dispositivos',
  verify: 'Verificar',
  safetyNumberHelp: 'Número de seguridad. Léanselo el uno al otro: si ambos ven los mismos dígitos, nadie está interceptando esta llamada.',
  tamperedSignal:
    'Se ignoró un mensaje que no superó la comprobación de cifrado de esta sala. Puede que alguien esté interfiriendo en la conexión.',
  missingSecret:
    'Este enlace de llamada está incompleto: falta la parte después de "#", y sin ella no es posible unirse de forma segura. Pide el enlace completo.',
  identityMismatch: 'Conexión rechazada: la identidad del otro lado no coincide (posible interceptación).',
  turnRefused:
    'No se puede contactar con la otra persona: el servidor de retransmisión rechazó nuestras credenciales (puede que hayan caducado). Recarga la página para obtener otras nuevas.',
  relayUnavailable:
    'No se puede contactar con la otra persona: el modo solo retransmisión está activado, pero no se pudo contactar con ningún servidor de retransmisión.',
  noRelay:
    'No se puede contactar con la otra persona: probablemente un cortafuegos o NAT impide la conexión directa, y no hay ningún servidor de retransmisión configurado.',
  unreachable:
    'No se puede contactar con la otra persona: ninguna ruta de red funcionó, ni siquiera a través del servidor de retransmisión. Puede que un cortafuegos la esté bloqueando.',
  more: 'Más',
  unread: '{n} nuevos',
  notifications: 'Notificaciones',
  fileOfferFrom: '{name} quiere enviarte un archivo',
  fileToastLabel: 'Archivo de {name}: {file}',
  messageFrom: 'Mensaje de {name}',
  openChat: 'Abrir chat',
  settings: 'Ajustes',
  micLevel: 'Nivel del micrófono',
  moveSelfView: 'Mover tu imagen',
  cannotCallTitle: 'Este navegador no puede hacer llamadas',
  cannotCallBody:
    'No tiene WebRTC, la parte del navegador que transporta las videollamadas. Algunas aplicaciones abren los enlaces en un navegador integrado que no la incluye.',
  cannotCallWhat: 'Abre este enlace en Chrome, Edge, Firefox o Safari:',
  homeCannotCall:
    'Este navegador no puede hacer llamadas (no tiene WebRTC). Abre esta página en Chrome, Edge, Firefox o Safari para iniciar una.',
  myCallLink: 'Mi enlace de llamada',
  contacts: 'Contactos',
  myLinkHelp: 'Cualquiera con este enlace puede llamarte. Dáselo solo a quien quieras que te llame.',
  myLinkLoading: 'Preparando tu enlace de llamada…',
  myQrAlt: 'Código QR de tu enlace de llamada',
  myLinkCopyFailed: 'No se pudo copiar. Selecciona el enlace y cópialo tú.',
  newLink: 'Enlace nuevo',
  newLinkTitle: '¿Crear un enlace nuevo?',
  newLinkBody: 'Los enlaces que diste dejan de sonar. Tus contactos guardados aún pueden llamarte.',
  newLinkConfirm: 'Crear un enlace nuevo',
  nameHint: 'Las personas a las que llamas ven este nombre.',
  statusOnline: 'En línea: tu enlace suena aquí.',
  statusConnecting: 'Conectando con el servidor…',
  statusRefused:
    'El servidor rechazó este dispositivo, así que tu enlace no suena aquí. Puede que otro navegador use la misma identidad, o que no se pudiera comprobar su firma. Recarga la página para intentarlo de nuevo.',
  statusOff: 'Sin conexión: ahora mismo tu enlace no suena aquí.',
  ringWhenClosed: 'Avisarme aunque la aplicación esté cerrada',
  ringWhenClosedHelp:
    'Usa las notificaciones del navegador. El servicio de notificaciones de tu navegador sabe cuándo te llaman, pero no quién.',
  pushDenied:
    'Las notificaciones están bloqueadas para este sitio. Permítelas en la configuración del navegador para recibir llamadas con la aplicación cerrada.',
  callPerson: 'Llamar a {name}',
  callOwner: 'Llamar al dueño de este enlace',
  call: 'Llamar',
  linkBroken: 'Este enlace de llamada no funciona',
  linkNotACallLink: 'Esto no es un enlace de llamada. Comprueba que lo copiaste entero.',
  linkNewerVersion: 'Este enlace de llamada es de una versión más nueva de la aplicación. Recarga la página para actualizarla.',
  linkTruncated: 'Este enlace de llamada está cortado: le falta una parte. Pide el enlace otra vez.',
  linkTypo: 'Este enlace de llamada tiene una errata. Cópialo de nuevo en lugar de escribirlo a mano.',
  callingName: 'Llamando a {name}…',
  callingOwner: 'Llamando al dueño de este enlace…',
  endDeclined: 'Llamada rechazada.',
  endNoAnswer: 'No contestan. Inténtalo más tarde.',
  endCancelled: 'Llamada cancelada.',
  endBusy: 'Ahora mismo está en otra llamada. Inténtalo más tarde.',
  endUnknownLink: 'Este enlace ya no suena: pide uno nuevo.',
  endRateLimited: 'Demasiadas llamadas en poco tiempo. Espera un minuto y vuelve a intentarlo.',
  endBadLink: 'Este enlace de llamada tiene una errata o está cortado. Pide el enlace otra vez.',
  endFailed: 'No se pudo hacer la llamada: no se pudo contactar con el servidor o no se pudo verificar la respuesta.',
  endAnsweredElsewhere: 'Se contestó la llamada en otro dispositivo.',
  back: 'Volver',
  callEnded: 'Llamada terminada',
  keyChanged: 'El número de seguridad de {name} cambió',
  keyChangedBody:
    'Puede que haya reinstalado la aplicación o cambiado de dispositivo, o que alguien intente interceptar la llamada. Compara los números de seguridad antes de fiarte.',
  isCalling: '{name} te está llamando',
  someone: 'Alguien',
  trustVerified: 'Contacto verificado',
  trustKnown: 'Contacto',
  trustNew: 'No está en tus contactos',
  notYourContact: 'No es tu contacto guardado {name}: otra persona usa ese nombre',
  busyNote: 'Estás en una llamada: si aceptas, termina.',
  missedCall: 'Llamada perdida de {name}',
  answeredElsewhere: 'Contestada en otro dispositivo',
  youDeclined: 'Rechazaste la llamada de {name}.',
  youWereBusy: 'Estabas en una llamada, así que a {name} se le dijo que estás ocupado.',
  incomingFailed: 'No se pudo conectar la llamada de {name}.',
  ringtoneSilenced: 'Tono silenciado',
  presenceOnline: 'En línea',
  presencePush: 'Localizable por notificación',
  presenceUnknown: 'Estado desconocido',
  noContacts: 'Aún no hay contactos. Después de una llamada puedes guardar a la persona con la que hablaste, y aparecerá aquí.',
  noName: 'Sin nombre',
  rename: 'Renombrar',
  renameLabel: 'Nombre nuevo para {name}',
  safetyNumberWith: 'Tu número de seguridad con {name}',
  safetyNumberCompare: 'Compara estos dígitos con {name}, en persona o en una llamada. Si coinciden, nadie se interpone entre vosotros.',
  computing: 'Calculando…',
  markVerified: 'Marcar como verificado',
  block: 'Bloquear',
  unblock: 'Desbloquear',
  blocked: 'Bloqueado',
  remove: 'Eliminar',
  removeTitle: '¿Eliminar a {name}?',
  removeBody: 'Su nombre y su clave se borran de este dispositivo. Aún puede llamarte con tu enlace.',
  exportContacts: 'Exportar',
  importContacts: 'Importar',
  contactsImported: 'Se importaron {n} contactos.',
  contactsImportFailed: 'No se pudo importar: {error}',
  contactSaved: '{name} se guardó en tus contactos.',
  saveContactQuestion: '¿Guardar a {name} como contacto?',
  saveContactHelp: 'Los contactos pueden llamarse aunque uno de los dos cree un enlace nuevo.',
  notNow: 'Ahora no',
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

const LANG_KEY = 'p2p-call:lang';

function storedLang(): Lang | null {
  try {
    const v = globalThis.localStorage?.getItem(LANG_KEY);
    return v === 'en' || v === 'es' ? v : null;
  } catch {
    return null;
  }
}

let current: Lang = storedLang() ?? (typeof navigator === 'undefined' ? 'en' : pickLang(navigator.languages ?? [navigator.language]));
const langListeners = new Set<(l: Lang) => void>();

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  for (const listener of langListeners) listener(l);
}

/** The user's explicit choice wins over the browser's languages on later visits. */
export function chooseLang(l: Lang): void {
  try {
    globalThis.localStorage?.setItem(LANG_KEY, l);
  } catch {
    // Storage can be blocked; the choice then lasts for this page only.
  }
  setLang(l);
}

export function onLangChange(listener: (l: Lang) => void): () => void {
  langListeners.add(listener);
  return () => langListeners.delete(listener);
}

/** Each language's name in itself, for the language picker. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', es: 'Español' };

/** The string for `key` in the current language, its `{name}` placeholders filled from `params`. */
export function t<K extends StringKey>(key: K, ...params: ParamArgs<K>): string;
export function t(key: StringKey, params?: Record<string, string | number>): string {
  const text = tables[current][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A notice's text, when its key is one of ours (a notice comes from outside the table's types). */
export function noticeText(notice: { key: string; params?: Record<string, string> }): string | null {
  return Object.hasOwn(en, notice.key) ? t(notice.key as StringKey, notice.params ?? {}) : null;
}

// Building an Intl formatter costs tens of milliseconds the first time (locale data), enough to hold up a
// call screen's first render: each is built once per language, and only when something needs it.
const timeFormats = new Map<Lang, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** Hours and minutes of a timestamp, in the current language. */
export function clockTime(at: number): string {
  let f = timeFormats.get(current);
  if (!f) timeFormats.set(current, (f = new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit' })));
  return f.format(at);
}

/** A number with at most `digits` decimals, in the current language. */
export function decimal(n: number, digits: number): string {
  const key = `${current}/${digits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(current, { maximumFractionDigits: digits })));
  return f.format(n);
}

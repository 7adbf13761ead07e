// Every phone screen, registered together: the phone chunk (phone-engine.ts) loads them with the engine.
import './call-link-view';
import './contacts-view';
import './incoming-call';
import './my-link-view';
import './outgoing-call';
import './save-contact';

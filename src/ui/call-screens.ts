// The screens after home (pre-join and the call itself), loaded on first need by call-app so the home
// page's JavaScript stays small. The service worker precaches this chunk, so it loads offline too.
import './call-view';
import './prejoin-view';

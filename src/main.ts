import { setLang, lang } from './ui/i18n';
import './ui/call-app';

setLang(lang());

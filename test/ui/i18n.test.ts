import { expect } from '@open-wc/testing';
import { lang, onLangChange, pickLang, setLang, t } from '../../src/ui/i18n';

describe('i18n', () => {
  const before = lang();
  afterEach(() => setLang(before));

  it('fills named placeholders in the current language, in whatever order the language puts them', () => {
    setLang('en');
    expect(t('fromPeer', { name: 'Bob' })).to.equal('from Bob');
    expect(t('fileToastLabel', { name: 'Bob', file: 'plan.pdf' })).to.equal('File from Bob: plan.pdf');
    expect(t('unread', { n: 3 })).to.equal('3 new');
    setLang('es');
    expect(t('fromPeer', { name: 'Bob' })).to.equal('de Bob');
    expect(t('timeLeft', { time: '2 s' })).to.equal('quedan 2 s');
    expect(t('leave')).to.equal('Salir');
  });

  it("puts a peer's name in as it is, even one that looks like a placeholder or a replacement pattern", () => {
    setLang('en');
    // Names come from the other side: neither "{file}" nor String.replace's "$&" may be read as anything.
    expect(t('fileToastLabel', { name: '{file}', file: 'x' })).to.equal('File from {file}: x');
    expect(t('fromPeer', { name: '$& $1 $$' })).to.equal('from $& $1 $$');
  });

  it('picks Spanish or English from the browser languages, English otherwise', () => {
    expect(pickLang(['es-MX', 'en'])).to.equal('es');
    expect(pickLang(['fr-FR', 'EN-gb'])).to.equal('en');
    expect(pickLang(['de'])).to.equal('en');
    expect(pickLang([])).to.equal('en');
  });

  it('tells its listeners about a change until they unsubscribe', () => {
    setLang('en');
    const heard: string[] = [];
    const stop = onLangChange((l) => heard.push(l));
    setLang('es');
    stop();
    setLang('en');
    expect(heard).to.deep.equal(['es']);
    expect(document.documentElement.lang).to.equal('en');
  });
});

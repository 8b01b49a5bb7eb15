/**
 * The web UI of `podcap serve`: three screens behind hash routes, each mounted the first time it is
 * shown and kept afterwards, so switching tabs loses nothing.
 */

import { byId } from './dom.js';
import { mountExplorer } from './explorer.js';
import { mountIps } from './ips.js';
import { mountRunner } from './runner.js';
import './style.css';

const SCREENS = {
  explorer: mountExplorer,
  ips: mountIps,
  runner: mountRunner,
} as const;

type Screen = keyof typeof SCREENS;

const mounted = new Set<Screen>();

function screenOf(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return name in SCREENS ? (name as Screen) : 'explorer';
}

function show(): void {
  const screen = screenOf(window.location.hash);
  for (const name of Object.keys(SCREENS) as Screen[]) {
    const section = byId<HTMLElement>(`screen-${name}`);
    section.hidden = name !== screen;
    const tab = byId<HTMLAnchorElement>(`tab-${name}`);
    if (name === screen) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  if (!mounted.has(screen)) {
    mounted.add(screen);
    SCREENS[screen](byId<HTMLElement>(`screen-${screen}`));
  }
  document.title = `podcap · ${byId<HTMLAnchorElement>(`tab-${screen}`).textContent ?? ''}`;
}

window.addEventListener('hashchange', show);
show();

/**
 * The progress bar of long simulations: on stderr, only on a TTY, only once a run has taken more than a
 * second, redrawn at most ten times a second, and wiped when the run ends so that stdout stays clean.
 */

import { formatDuration } from '../core/duration.js';
import type { SimProgress } from '../sim/result.js';

export interface ProgressTarget {
  readonly write: (text: string) => void;
  /** Wall-clock milliseconds. */
  readonly now: () => number;
  readonly columns: number;
}

const SHOW_AFTER_MS = 1000;
const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 30;

export interface ProgressBar {
  readonly update: (progress: SimProgress) => void;
  /** Wipes the bar if it was drawn. */
  readonly finish: () => void;
}

function rate(eventsPerSecond: number): string {
  if (eventsPerSecond >= 1e6) return `${(eventsPerSecond / 1e6).toFixed(1)}M`;
  if (eventsPerSecond >= 1e3) return `${(eventsPerSecond / 1e3).toFixed(0)}k`;
  return eventsPerSecond.toFixed(0);
}

/** One line: the bar, simulated time reached of the whole, and events per wall-clock second. */
export function progressLine(progress: SimProgress, elapsedMs: number, columns: number): string {
  const share = progress.durationMs > 0 ? Math.min(1, progress.simulatedMs / progress.durationMs) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const perSecond = elapsedMs > 0 ? (progress.events * 1000) / elapsedMs : 0;
  const line =
    `simulating [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` +
    `${formatDuration(Math.floor(progress.simulatedMs / 1000) * 1000)} of ${formatDuration(progress.durationMs)}, ` +
    `${rate(perSecond)} events/s`;
  return line.slice(0, Math.max(10, columns - 1));
}

export function createProgressBar(target: ProgressTarget): ProgressBar {
  const started = target.now();
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(progress) {
      const now = target.now();
      if (now - started < SHOW_AFTER_MS || now - lastDrawn < REDRAW_EVERY_MS) return;
      lastDrawn = now;
      drawn = true;
      target.write(`\r${progressLine(progress, now - started, target.columns)}\u001b[K`);
    },
    finish() {
      if (drawn) target.write('\r\u001b[K');
      drawn = false;
    },
  };
}

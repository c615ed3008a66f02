/**
 * Where a learner stopped watching a video, kept in this browser per account and video, so a
 * reload or a later visit resumes there. Storage may be unavailable (private windows, quotas):
 * then the video simply starts from the beginning.
 */
const PREFIX = "gradbook:video-position:";

function key(account: string, src: string): string {
  return `${PREFIX}${account}:${src}`;
}

export function savedPosition(account: string, src: string): number | null {
  try {
    const value = Number(window.localStorage.getItem(key(account, src)));
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

export function savePosition(account: string, src: string, seconds: number): void {
  try {
    if (seconds > 0) window.localStorage.setItem(key(account, src), seconds.toFixed(1));
    else window.localStorage.removeItem(key(account, src));
  } catch {
    // Not remembering a position is harmless.
  }
}

export function formatTime(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/**
 * The signed-in session. The access token lives in memory only; the refresh token is kept in
 * localStorage (key `cedar.refresh`) so a reload stays signed in. Tokens are refreshed 30 s
 * before they expire, once at a time.
 */
const REFRESH_KEY = 'cedar.refresh';
const EARLY_MS = 30_000;

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token is valid for. */
  expiresIn: number;
}

type Listener = () => void;

class Session {
  private access: { token: string; expiresAt: number } | null = null;
  private refreshing: Promise<string | null> | null = null;
  private readonly listeners = new Set<Listener>();

  /** True when there is something to sign in with (a refresh token survives reloads). */
  get present(): boolean {
    return this.access !== null || localStorage.getItem(REFRESH_KEY) !== null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  signedIn(pair: TokenPair): void {
    this.access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
    localStorage.setItem(REFRESH_KEY, pair.refreshToken);
    this.emit();
  }

  signedOut(): void {
    const had = this.present;
    this.access = null;
    localStorage.removeItem(REFRESH_KEY);
    if (had) this.emit();
  }

  /** The refresh token to revoke on sign-out. */
  refreshToken(): string | null {
    return localStorage.getItem(REFRESH_KEY);
  }

  /** A valid access token, refreshed when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.access && this.access.expiresAt - EARLY_MS > Date.now()) return this.access.token;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<string | null> {
    const refreshToken = localStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return null;
    const response = await fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!response.ok) {
      this.signedOut();
      return null;
    }
    const pair = (await response.json()) as TokenPair;
    this.access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
    localStorage.setItem(REFRESH_KEY, pair.refreshToken);
    return pair.accessToken;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const session = new Session();

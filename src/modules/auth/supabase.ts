import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';

/** A verified Supabase Auth access token. */
export interface SupabaseIdentity {
  supabaseUserId: string;
  email: string | undefined;
  issuedAt: number;
}

/**
 * Verifies access tokens issued by Supabase Auth: HS256 with the project's JWT secret, or the
 * project's JWKS (asymmetric signing keys) when only its URL is configured.
 */
export class SupabaseTokens {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly issuer: string | undefined;

  constructor(options: { jwtSecret?: string | undefined; url?: string | undefined }) {
    if (options.jwtSecret) this.key = new TextEncoder().encode(options.jwtSecret);
    else if (options.url) this.key = createRemoteJWKSet(new URL(`${options.url}/auth/v1/.well-known/jwks.json`));
    else throw new Error('SupabaseTokens needs SUPABASE_JWT_SECRET or SUPABASE_URL');
    this.issuer = options.url ? `${options.url}/auth/v1` : undefined;
  }

  async verify(token: string): Promise<SupabaseIdentity | undefined> {
    try {
      const options = {
        audience: 'authenticated',
        algorithms: this.key instanceof Uint8Array ? ['HS256'] : ['RS256', 'ES256'],
        ...(this.issuer ? { issuer: this.issuer } : {}),
      };
      const { payload } = this.key instanceof Uint8Array ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
      if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub)) return undefined;
      // An anonymous Supabase session proves no address: it may follow an existing link, never make one.
      const anonymous = payload.is_anonymous === true;
      return {
        supabaseUserId: payload.sub.toLowerCase(),
        email: typeof payload.email === 'string' && payload.email !== '' && !anonymous ? payload.email.toLowerCase() : undefined,
        issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }
}

// Signing in through the OIDC issuer (Keycloak in compose): authorization code with PKCE,
// from the browser, with the console as a public client.

const PENDING_KEY = "kombel.oidc.pending";

export async function consoleConfig() {
  const response = await fetch("/console/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error("Pengaturan konsol tidak dapat dibaca.");
  return response.json();
}

async function discovery(issuer) {
  const response = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error("Penyedia identitas tidak dapat dihubungi.");
  return response.json();
}

function randomText(bytes = 32) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(values);
}

function base64url(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function redirectUri() {
  return `${location.origin}/console/masuk/kembali`;
}

/** Leave for the issuer's sign-in page; it comes back to /console/masuk/kembali. */
export async function startSignIn(oidc, returnTo) {
  const endpoints = await discovery(oidc.issuer);
  const verifier = randomText(48);
  const state = randomText(16);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(endpoints.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: oidc.client_id,
    redirect_uri: redirectUri(),
    scope: oidc.scope || "openid",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** Exchange the code the issuer sent back for a session; returns {session, returnTo}. */
export async function finishSignIn(oidc, query) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
  sessionStorage.removeItem(PENDING_KEY);
  if (query.get("error")) throw new Error("Penyedia identitas menolak masuk. Coba lagi.");
  if (!pending || pending.state !== query.get("state")) throw new Error("Sesi masuk tidak cocok. Mulai masuk lagi.");
  const endpoints = await discovery(oidc.issuer);
  const response = await fetch(endpoints.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: query.get("code") || "",
      redirect_uri: redirectUri(),
      client_id: oidc.client_id,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error("Token tidak dapat diambil dari penyedia identitas.");
  const tokens = await response.json();
  return { session: sessionOf(tokens), returnTo: pending.returnTo };
}

function claimsOf(token) {
  const payload = token.split(".")[1] || "";
  const text = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function sessionOf(tokens) {
  const claims = claimsOf(tokens.access_token);
  const roles = claims.roles || (claims.realm_access && claims.realm_access.roles) || [];
  return {
    access_token: tokens.access_token,
    expires_at: claims.exp || Math.floor(Date.now() / 1000) + (tokens.expires_in || 300),
    principal: {
      roles,
      province: claims.province || null,
      kabkota: claims.kabkota || null,
      person: claims.person || null,
      name: claims.name || claims.preferred_username || "Pengguna",
    },
  };
}

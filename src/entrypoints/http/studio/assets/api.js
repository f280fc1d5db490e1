// The studio's only door to the server: the public /api/v1 with a bearer token kept in memory.
// The refresh token lives in an HttpOnly cookie the page never reads; the CSRF cookie's value is echoed
// in X-CSRF-Token to refresh or sign out through it.

let accessToken = null;
let accessExpiresAt = 0;
let refreshing = null;
const sessionListeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code;
  }
}

export class OfflineError extends Error {}

export function signedIn() {
  return accessToken !== null;
}

export function onSessionChange(listener) {
  sessionListeners.add(listener);
}

function setTokens(tokens) {
  accessToken = tokens ? tokens.access_token : null;
  accessExpiresAt = tokens ? Date.now() + Math.max(tokens.expires_in - 30, 5) * 1000 : 0;
  sessionListeners.forEach((listener) => listener(signedIn()));
}

function csrfToken() {
  const match = /(?:^|;\s*)subdub_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : null;
}

async function send(path, { method = "GET", body, form, headers = {}, auth = true, signal } = {}) {
  const all = { Accept: "application/json, application/problem+json", ...headers };
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    all["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (auth && accessToken) all.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(path, { method, headers: all, body: payload, signal, credentials: "same-origin" });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new OfflineError("The server cannot be reached");
  }
}

async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    problem = null;
  }
  return new ApiError(response.status, problem);
}

// A new access token from the session cookie; false when there is no session (or it was revoked).
export function restoreSession() {
  const csrf = csrfToken();
  if (!csrf) return Promise.resolve(false);
  if (!refreshing) {
    refreshing = (async () => {
      const response = await send("/api/v1/auth/refresh", {
        method: "POST", body: {}, headers: { "X-CSRF-Token": csrf }, auth: false,
      });
      if (!response.ok) {
        setTokens(null);
        return false;
      }
      setTokens((await response.json()).data);
      return true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function request(path, options = {}) {
  const auth = options.auth !== false;
  if (auth && accessToken && Date.now() > accessExpiresAt) await restoreSession();
  let response = await send(path, options);
  if (response.status === 401 && auth && (await restoreSession())) response = await send(path, options);
  if (!response.ok) {
    if (response.status === 401 && auth) setTokens(null);
    throw await failure(response);
  }
  return response;
}

// {data, meta, etag} of a JSON answer (null for 204).
export async function call(path, options) {
  const response = await request(path, options);
  if (response.status === 204) return null;
  const body = await response.json();
  return { data: body.data, meta: body.meta || {}, etag: response.headers.get("ETag") };
}

// Every item of a cursor-paged list; `onPage` sees each page as it arrives.
export async function everyPage(path, limit = 200, onPage = null) {
  const items = [];
  let cursor = null;
  do {
    const joiner = path.includes("?") ? "&" : "?";
    const page = await call(`${path}${joiner}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    items.push(...page.data);
    if (onPage) onPage(page.data);
    cursor = page.meta.next_cursor || null;
  } while (cursor);
  return items;
}

export async function signIn(email, password) {
  const response = await send("/api/v1/auth/login", {
    method: "POST", body: { email, password, refresh_cookie: true }, auth: false,
  });
  if (!response.ok) throw await failure(response);
  setTokens((await response.json()).data);
}

export async function signUp(email, password, displayName) {
  const response = await send("/api/v1/auth/register", {
    method: "POST", body: { email, password, display_name: displayName }, auth: false,
  });
  if (!response.ok) throw await failure(response);
  await signIn(email, password);
}

export async function signOut() {
  const csrf = csrfToken();
  if (csrf) {
    await send("/api/v1/auth/logout", { method: "POST", body: {}, headers: { "X-CSRF-Token": csrf }, auth: false })
      .catch(() => null);
  }
  setTokens(null);
}

// Server-Sent Events read through fetch, so the bearer token goes in a header (EventSource cannot send one).
export async function* serverEvents(path, signal) {
  const response = await request(path, { headers: { Accept: "text/event-stream" }, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let name = "message";
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length) yield { event: name, data: JSON.parse(data.join("\n")) };
        name = "message";
        data = [];
      } else if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      newline = buffer.indexOf("\n");
    }
  }
}

export async function objectUrl(path, options) {
  const response = await request(path, options);
  return URL.createObjectURL(await response.blob());
}

export function newKey() {
  return crypto.randomUUID();
}

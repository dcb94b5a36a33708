// The dashboard's HTTP calls. The admin token, when the server needs one, is asked for once and
// kept in sessionStorage (gone when the tab closes), then sent as a bearer token.

const TOKEN_KEY = "palate.adminToken";

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setAdminToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetAdminToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** A failed call, with the status and the problem's detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function call(method, path, { body, auth = false } = {}) {
  const headers = { accept: "application/json" };
  const token = adminToken();
  if (auth && token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      if (problem?.detail) detail = problem.detail;
    } catch {
      // Not a problem document: keep the status line.
    }
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

export const getJson = (path, options) => call("GET", path, options);
export const postJson = (path, body) => call("POST", path, { body, auth: true });

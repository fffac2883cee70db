// REST client of the dashboard: every call carries the token; errors keep the API's FC_ERR_* code.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(`${code}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

export function createApi(token) {
  async function call(method, path, body) {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) throw new ApiError(response.status, json.error?.code ?? `HTTP_${response.status}`, json.error?.message ?? '');
    return json;
  }
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body ?? {}) };
}

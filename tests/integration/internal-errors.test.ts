// An unexpected failure becomes 500 `internal` for the caller and one log line with the request id
// for us; nothing internal leaks, and the process keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, codeOf } from './helpers/api';
import { makeUser, startServer, type TestServer } from './helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.dispose();
});

describe('internal errors', () => {
  it('answers 500 internal with the generic message and logs one error line with the request id', async () => {
    const user = await makeUser(server);
    // Pull the database out from under the running server: every query now throws.
    server.db.close();
    const before = server.logs.length;
    const response = await call(server, 'GET', '/api/account', { token: user.token });
    expect(response.status).toBe(500);
    expect(codeOf(response)).toBe('internal');
    expect(response.body.error.message).toBe('Something went wrong on our side.');
    expect(response.text).not.toMatch(/sqlite|database|stack|at /i);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const lines = server.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reqId).toBe(response.headers.get('x-request-id'));
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ status: 500, route: '/api/account' });

    // The process is still up: routes that need no database still answer.
    expect((await call(server, 'GET', '/api/nope')).status).toBe(404);
  });
});

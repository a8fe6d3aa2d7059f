//! The mocked API: tests add handlers with `server.use(...)`.
import { setupServer } from 'msw/node';

export const server = setupServer();

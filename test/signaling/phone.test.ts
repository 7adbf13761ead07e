// Calling a person against the Node server: the shared phone suite (phone-suite.ts), real sockets on 127.0.0.1.
import { createSignalingServer } from '../../signaling/src/node/server.ts';
import { phoneSuite } from './phone-suite.ts';

phoneSuite('node', async (opts) => {
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', distDir: '/nonexistent', ...opts });
  return { port: server.port, close: () => server.close() };
});

// The yardstick of the start-up benchmark (startup.ts): the least a Fastify server does before its
// first answer. Plain node, no database, one route; PORT and HOST as for the real server.
import Fastify from 'fastify';

const app = Fastify();
app.get('/health/ready', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });

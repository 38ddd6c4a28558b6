import supertest from 'supertest';
import { it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';
import { buildApp } from '../helpers/http.ts';

it('bench', async () => {
  const ctx = await createTestContext();
  const t = await buildApp(ctx);
  let t0 = Date.now();
  for (let i = 0; i < 300; i++) await supertest(t.app).get('/login');
  console.log('APP', Date.now() - t0);
  const server = t.app.listen(0);
  t0 = Date.now();
  for (let i = 0; i < 300; i++) await supertest(server).get('/login');
  console.log('SERVER', Date.now() - t0);
  const agent = supertest.agent(server);
  t0 = Date.now();
  for (let i = 0; i < 300; i++) await agent.get('/login');
  console.log('AGENT', Date.now() - t0);
  server.close();
  await ctx.cleanup();
}, 120_000);

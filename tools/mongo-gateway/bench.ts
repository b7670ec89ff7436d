// One-at-a-time throughput through the gateway with the official driver:
// `MONGO_URL=mongodb://127.0.0.1:27117 tsx tools/mongo-gateway/bench.ts [ops]`.
// Uses (and drops) its own database.
import { MongoClient } from 'mongodb';

const url = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27117';
const ops = Number(process.argv[2] ?? 3000);
const client = new MongoClient(url);
await client.connect();
const db = client.db(`gwbench_${process.pid}`);
try {
  const col = db.collection<{ k: number; name?: string; pad?: string }>('bench');
  await col.createIndex({ k: 1 }, { unique: true });
  // Warm up connections, prepared statements and caches on both sides.
  for (let i = 0; i < 300; i++) await col.insertOne({ k: -1 - i });
  for (let i = 0; i < 300; i++) await col.findOne({ k: -1 - i });

  let t = performance.now();
  for (let i = 0; i < ops; i++) await col.insertOne({ k: i, name: `user${i}` });
  const inserts = ops / ((performance.now() - t) / 1000);

  t = performance.now();
  for (let i = 0; i < ops; i++) {
    const k = (i * 7919) % ops;
    const doc = await col.findOne({ k });
    if (doc?.k !== k) throw new Error(`findOne({k: ${k}}) returned ${JSON.stringify(doc)}`);
  }
  const finds = ops / ((performance.now() - t) / 1000);

  t = performance.now();
  await col.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ k: 1_000_000 + i, pad: 'x'.repeat(50) })));
  const batchMs = performance.now() - t;

  console.log(
    `insertOne ${inserts.toFixed(0)}/s, indexed findOne ${finds.toFixed(0)}/s, ` +
      `insertMany of 10k ${batchMs.toFixed(0)} ms (${ops} ops each)`,
  );
} finally {
  await db.dropDatabase();
  await client.close();
}

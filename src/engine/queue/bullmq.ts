import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueHandlers, WorkflowQueue } from './types.js';

type JobData = { runId: string } | { workflow: string };

export interface BullMqQueueOptions {
  redisUrl: string;
  /** Key prefix, so several schools or test runs can share one Redis. Default "cedar". */
  prefix?: string;
  /** The BullMQ queue's name under the prefix. Default "cedar-workflows". */
  queueName?: string;
}

/** The client side, made on first use: bullmq and ioredis are loaded only by a process that uses Redis. */
interface Client {
  connection: Redis;
  queue: Queue<JobData>;
  Worker: typeof Worker;
  Redis: typeof Redis;
}

/** BullMQ on Redis: blocking fetches (no polling), stalled-job recovery, job schedulers for cron. */
export class BullMqQueue implements WorkflowQueue {
  readonly driver = 'bullmq' as const;
  private client: Promise<Client> | undefined;
  private worker: Worker<JobData> | undefined;
  private readonly prefix: string;
  private readonly queueName: string;

  constructor(private readonly options: BullMqQueueOptions) {
    this.prefix = options.prefix ?? 'cedar';
    this.queueName = options.queueName ?? 'cedar-workflows';
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      const [{ Queue, Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
      const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
      connection.on('error', () => undefined);
      const queue = new Queue<JobData>(this.queueName, {
        connection,
        prefix: this.prefix,
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 1 },
      });
      return { connection, queue, Worker, Redis };
    })();
    return this.client;
  }

  async start(): Promise<void> {
    const { connection, queue } = await this.connect();
    if (connection.status === 'wait') await connection.connect();
    await queue.waitUntilReady();
  }

  async enqueue(runId: string, options: { delayMs?: number } = {}): Promise<void> {
    const { queue } = await this.connect();
    await queue.add('run', { runId }, options.delayMs ? { delay: options.delayMs } : {});
  }

  async consume(handlers: QueueHandlers, options: { concurrency: number }): Promise<void> {
    const { Worker, Redis } = await this.connect();
    const workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    workerConnection.on('error', () => undefined);
    this.worker = new Worker<JobData>(
      this.queueName,
      async (job: Job<JobData>) => {
        if ('runId' in job.data) return handlers.run(job.data.runId);
        return handlers.cron(job.data.workflow, `bullmq:${job.id ?? job.name}`);
      },
      { connection: workerConnection, prefix: this.prefix, concurrency: options.concurrency, autorun: true },
    );
    this.worker.on('error', () => undefined);
    await this.worker.waitUntilReady();
  }

  async schedule(workflow: string, cron: string, timezone: string): Promise<void> {
    const { queue } = await this.connect();
    await queue.upsertJobScheduler(`cron:${workflow}`, { pattern: cron, tz: timezone }, { name: 'cron', data: { workflow } });
  }

  async unschedule(workflow: string): Promise<void> {
    const { queue } = await this.connect();
    await queue.removeJobScheduler(`cron:${workflow}`);
  }

  async ping(): Promise<void> {
    const { connection } = await this.connect();
    if (connection.status === 'wait') await connection.connect();
    await connection.ping();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (this.worker) {
      await Promise.race([this.worker.close(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      await this.worker.disconnect().catch(() => undefined);
    }
    if (!this.client) return;
    const { queue, connection } = await this.client;
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

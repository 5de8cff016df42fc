import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { QueueHandlers, WorkflowQueue } from './types.js';

const QUEUE_NAME = 'cedar-workflows';

type JobData = { runId: string } | { workflow: string };

export interface BullMqQueueOptions {
  redisUrl: string;
  /** Key prefix, so several schools or test runs can share one Redis. Default "cedar". */
  prefix?: string;
}

/** BullMQ on Redis: blocking fetches (no polling), stalled-job recovery, job schedulers for cron. */
export class BullMqQueue implements WorkflowQueue {
  readonly driver = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queue: Queue<JobData>;
  private worker: Worker<JobData> | undefined;
  private readonly prefix: string;

  constructor(private readonly options: BullMqQueueOptions) {
    this.prefix = options.prefix ?? 'cedar';
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<JobData>(QUEUE_NAME, {
      connection: this.connection,
      prefix: this.prefix,
      defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 1 },
    });
  }

  async start(): Promise<void> {
    if (this.connection.status === 'wait') await this.connection.connect();
    await this.queue.waitUntilReady();
  }

  async enqueue(runId: string, options: { delayMs?: number } = {}): Promise<void> {
    await this.queue.add('run', { runId }, options.delayMs ? { delay: options.delayMs } : {});
  }

  async consume(handlers: QueueHandlers, options: { concurrency: number }): Promise<void> {
    const workerConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    workerConnection.on('error', () => undefined);
    this.worker = new Worker<JobData>(
      QUEUE_NAME,
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
    await this.queue.upsertJobScheduler(`cron:${workflow}`, { pattern: cron, tz: timezone }, { name: 'cron', data: { workflow } });
  }

  async ping(): Promise<void> {
    if (this.connection.status === 'wait') await this.connection.connect();
    await this.connection.ping();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (this.worker) {
      await Promise.race([this.worker.close(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      await this.worker.disconnect().catch(() => undefined);
    }
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}

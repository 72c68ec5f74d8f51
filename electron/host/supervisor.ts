/**
 * Supervision of the compute process, shared by the Electron main process and the browser-mode
 * host: starts it through a launcher (utilityProcess or child_process), correlates requests
 * with responses, tracks the core's state (starting/ready/busy/crashed), and restarts it with
 * back-off when it dies. No Electron imports here.
 */
import { EventEmitter } from 'node:events';
import type { CoreInfo, CoreStatus, ErrorInfo, EventMessage, WireMessage } from '../../compute/protocol';

/** A running compute process as seen by the host. */
export interface CoreChannel {
  send(msg: WireMessage): void;
  onMessage(listener: (msg: WireMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}

export type CoreLauncher = () => CoreChannel;

export interface SupervisorOptions {
  /** Restarts allowed within `restartWindowMs` before giving up (state stays 'crashed'). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Delay before a restart, doubled for consecutive crashes (capped at 8×). */
  restartDelayMs?: number;
  /**
   * A request unanswered this long is failed with code 'timeout' (default 30 min; long jobs such
   * as training answer at once and report by events; core.ping is exempt, it is the probe). If the core then does not answer a ping
   * within `livenessMs` its event loop is stuck (e.g. a blocking read) and it is restarted.
   */
  requestTimeoutMs?: number;
  livenessMs?: number;
}

export class SupervisorError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  method: string;
  /** The supervisor's train.done count when the request was sent. */
  trainDoneSeen: number;
  timer: NodeJS.Timeout | null;
}

/** What the core is doing, in plain words for the status bar (request methods and background jobs). */
const PLAIN: Record<string, string> = {
  'core.info': 'starting',
  'core.ping': 'answering',
  'dataset.open': 'opening the dataset',
  'dataset.frame': 'reading a pattern',
  'train.start': 'preparing the training data',
  'train.cancel': 'cancelling training',
  'model.save': 'saving the model',
  'model.open': 'opening the model bundle',
  'recon.run': 'reconstructing',
  'recon.cancel': 'cancelling the reconstruction',
  'recon.compare': 'comparing reconstructions',
  'recon.export': 'exporting',
  preparing: 'preparing training (building the model)',
  training: 'training',
};

/** "Training, reading a pattern…" */
export function busyDetail(jobs: readonly string[]): string {
  const words = jobs.map((j) => PLAIN[j] ?? j.replace(/[._]/g, ' '));
  const text = words.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}…`;
}

export class CoreSupervisor extends EventEmitter<{ status: [CoreStatus]; event: [EventMessage] }> {
  private channel: CoreChannel | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private queued: { id: number; method: string; params: unknown }[] = [];
  private status: CoreStatus = {
    state: 'starting',
    detail: 'starting compute core',
    restarts: 0,
    info: null,
  };
  private crashTimes: number[] = [];
  private stopped = false;
  private restartTimer: NodeJS.Timeout | null = null;
  /** A job the core runs after answering its request (training): busy until its done event. */
  private backgroundJob: string | null = null;
  /** train.done events seen, so a train.start answer arriving after its run ended sets nothing. */
  private trainDone = 0;
  private readonly opts: Required<SupervisorOptions>;

  constructor(
    private readonly launch: CoreLauncher,
    opts: SupervisorOptions = {},
  ) {
    super();
    this.opts = {
      maxRestarts: 5,
      restartWindowMs: 60_000,
      restartDelayMs: 250,
      requestTimeoutMs: 30 * 60_000,
      livenessMs: 5_000,
      ...opts,
    };
  }

  getStatus(): CoreStatus {
    return this.status;
  }

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  /** Send a request to the core; resolves with its result or rejects with a SupervisorError. */
  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        method === 'core.ping' ? null : setTimeout(() => this.onTimeout(id), this.opts.requestTimeoutMs);
      timer?.unref();
      this.pending.set(id, { resolve, reject, method, trainDoneSeen: this.trainDone, timer });
      if (this.channel && this.status.info) this.channel.send({ type: 'request', id, method, params });
      else this.queued.push({ id, method, params });
      this.refreshBusy();
    });
  }

  /** Fail a request that got no answer; restart the core if it does not answer a ping either. */
  private onTimeout(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.queued = this.queued.filter((q) => q.id !== id);
    const ch = this.channel;
    p.reject(
      new SupervisorError({
        code: 'timeout',
        message: `${p.method} got no answer from the compute core within ${Math.round(this.opts.requestTimeoutMs / 1000)} s`,
      }),
    );
    this.refreshBusy();
    if (!ch || !this.status.info) return;
    let answered = false;
    const ping = this.request('core.ping', { echo: 'liveness' }).then(
      () => (answered = true),
      () => (answered = true),
    );
    const t = setTimeout(() => {
      if (!answered && this.channel === ch) ch.kill(); // stuck: the exit handler restarts it
    }, this.opts.livenessMs);
    t.unref();
    void ping.finally(() => clearTimeout(t));
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const ch = this.channel;
    this.channel = null;
    ch?.kill();
    this.failPending({ code: 'core-stopped', message: 'compute core was shut down' });
  }

  /** Kill the current core process (the supervisor restarts it). For tests and "restart core". */
  killCore(): void {
    this.channel?.kill();
  }

  private setStatus(patch: Partial<CoreStatus>): void {
    this.status = { ...this.status, ...patch };
    this.emit('status', this.status);
  }

  private refreshBusy(): void {
    if (!this.status.info || this.status.state === 'crashed' || this.status.state === 'starting') return;
    const busy = this.pending.size > 0 || this.backgroundJob !== null;
    const want = busy ? 'busy' : 'ready';
    const jobs = [
      ...new Set([
        ...(this.backgroundJob ? [this.backgroundJob] : []),
        ...[...this.pending.values()].map((p) => p.method),
      ]),
    ];
    const detail = busy ? busyDetail(jobs) : 'ready';
    if (this.status.state !== want || this.status.detail !== detail) this.setStatus({ state: want, detail });
  }

  private spawn(): void {
    let ch: CoreChannel;
    try {
      ch = this.launch();
    } catch (e) {
      this.onCrash(
        null,
        null,
        `could not start the compute core: ${e instanceof Error ? e.message : String(e)}`,
      );
      return;
    }
    this.channel = ch;
    this.setStatus({ state: 'starting', detail: 'starting compute core', info: null });
    ch.onMessage((msg) => this.onMessage(ch, msg));
    ch.onExit((code, signal) => {
      if (this.channel !== ch) return;
      this.channel = null;
      if (this.stopped) return;
      this.onCrash(code, signal, null);
    });
  }

  private onMessage(ch: CoreChannel, msg: WireMessage): void {
    if (ch !== this.channel) return;
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      // Between train.start's answer (data prepared) and the first batch the core builds and
      // compiles the model: busy, "preparing", not ready.
      if (
        msg.ok &&
        p.method === 'train.start' &&
        this.backgroundJob === null &&
        p.trainDoneSeen === this.trainDone
      )
        this.backgroundJob = 'preparing';
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new SupervisorError(msg.error));
      this.refreshBusy();
    } else if (msg.type === 'event') {
      if (msg.event === 'core.ready') {
        this.setStatus({ state: 'ready', detail: 'ready', info: msg.payload as CoreInfo });
        for (const q of this.queued.splice(0)) ch.send({ type: 'request', ...q });
        this.refreshBusy();
      } else {
        if (msg.event === 'train.batch' || msg.event === 'train.epoch') {
          if (this.backgroundJob !== 'training') {
            this.backgroundJob = 'training';
            this.refreshBusy();
          }
        } else if (msg.event === 'train.done') {
          this.trainDone++;
          this.backgroundJob = null;
          this.refreshBusy();
        }
        this.emit('event', msg);
      }
    }
  }

  private failPending(error: ErrorInfo): void {
    this.queued = [];
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(new SupervisorError(error));
    }
  }

  private onCrash(code: number | null, signal: string | null, why: string | null): void {
    this.backgroundJob = null;
    const detail =
      why ?? `compute core stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`;
    this.failPending({ code: 'core-crashed', message: `${detail}; it is being restarted` });
    const now = Date.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < this.opts.restartWindowMs);
    this.crashTimes.push(now);
    if (this.crashTimes.length > this.opts.maxRestarts) {
      this.setStatus({
        state: 'crashed',
        detail: `${detail}; gave up after ${this.opts.maxRestarts} restarts in ${this.opts.restartWindowMs / 1000} s`,
        info: null,
      });
      return;
    }
    this.setStatus({ state: 'crashed', detail: `${detail}; restarting`, info: null });
    const delay = this.opts.restartDelayMs * Math.min(8, 2 ** (this.crashTimes.length - 1));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.status = { ...this.status, restarts: this.status.restarts + 1 };
      this.spawn();
    }, delay);
  }
}

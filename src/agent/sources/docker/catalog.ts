import type { ContainerRef } from '../../../model/index.ts';
import type { EngineClient } from './engine-client.ts';

/**
 * What the agent knows of each container: names, image, labels, init pid, state, from the Docker
 * API (one list, then an inspect per new or changed container), cached between intervals and
 * refreshed when an event names the container. Metrics and logs read it; neither calls inspect.
 */

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  running: boolean;
  /** The init process, for /proc/<pid>/net/dev and /proc/<pid>/cgroup; 0 when not running. */
  pid: number;
  tty: boolean;
  restartCount: number;
  exitCode: number;
  cgroupParent: string;
}

interface Inspect {
  Id: string;
  Name: string;
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null; Tty?: boolean };
  State?: { Running?: boolean; Pid?: number; ExitCode?: number };
  HostConfig?: { CgroupParent?: string };
}

interface Listed {
  Id: string;
  State?: string;
}

export function toContainerInfo(inspect: Inspect): ContainerInfo {
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config?.Image ?? '',
    labels: inspect.Config?.Labels ?? {},
    running: inspect.State?.Running === true,
    pid: inspect.State?.Pid ?? 0,
    tty: inspect.Config?.Tty === true,
    restartCount: inspect.RestartCount ?? 0,
    exitCode: inspect.State?.ExitCode ?? 0,
    cgroupParent: inspect.HostConfig?.CgroupParent ?? '',
  };
}

/** Metric labels: cAdvisor's identity plus compose and Kubernetes names when the labels are there. */
export function containerLabels(info: ContainerInfo, host: string): Record<string, string> {
  const labels: Record<string, string> = { host, name: info.name, id: info.id, image: info.image };
  const from: Array<[string, string]> = [
    ['compose_service', 'com.docker.compose.service'],
    ['compose_project', 'com.docker.compose.project'],
    ['pod', 'io.kubernetes.pod.name'],
    ['namespace', 'io.kubernetes.pod.namespace'],
    ['container', 'io.kubernetes.container.name'],
  ];
  for (const [name, label] of from) {
    const value = info.labels[label];
    if (value !== undefined && value !== '') labels[name] = value;
  }
  return labels;
}

/** The service a container's logs are attributed to: its compose service, k8s container, or name. */
export function containerService(info: ContainerInfo): string {
  return (
    info.labels['com.docker.compose.service'] ?? info.labels['io.kubernetes.container.name'] ?? info.name
  );
}

export function containerRef(info: ContainerInfo): ContainerRef {
  return { id: info.id, name: info.name, image: info.image };
}

export class ContainerCatalog {
  private readonly known = new Map<string, { info: ContainerInfo; listed: string }>();
  private readonly dirty = new Set<string>();

  constructor(private readonly client: EngineClient) {}

  get(id: string): ContainerInfo | undefined {
    return this.known.get(id)?.info;
  }

  all(): ContainerInfo[] {
    return [...this.known.values()].map((entry) => entry.info);
  }

  /** An event named this container: inspect it again at the next refresh. */
  invalidate(id: string): void {
    this.dirty.add(id);
  }

  /** Lists every container and inspects the new, changed and invalidated ones. */
  async refresh(): Promise<ContainerInfo[]> {
    const listed = await this.client.json<Listed[]>('GET', '/containers/json?all=1');
    const seen = new Set<string>();
    await Promise.all(
      listed.map(async (entry) => {
        seen.add(entry.Id);
        // Status ("Up 5 minutes") changes every call; State changes are what need a new inspect.
        const key = entry.State ?? '';
        const cached = this.known.get(entry.Id);
        if (cached && cached.listed === key && !this.dirty.has(entry.Id)) return;
        this.dirty.delete(entry.Id);
        try {
          const inspect = await this.client.json<Inspect>('GET', `/containers/${entry.Id}/json`);
          this.known.set(entry.Id, { info: toContainerInfo(inspect), listed: key });
        } catch {
          // Removed between list and inspect: it is gone at the next refresh.
        }
      }),
    );
    for (const id of this.known.keys()) if (!seen.has(id)) this.known.delete(id);
    return this.all();
  }

  /** Inspects one container now (a start event), so its logs are followed without waiting. */
  async inspect(id: string): Promise<ContainerInfo | undefined> {
    try {
      const inspect = await this.client.json<Inspect>('GET', `/containers/${id}/json`);
      const info = toContainerInfo(inspect);
      this.known.set(id, { info, listed: '' });
      return info;
    } catch {
      return undefined;
    }
  }
}

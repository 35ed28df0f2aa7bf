import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, posix, relative, sep } from 'node:path';

/** One instruction of a Dockerfile, its continuation lines joined. */
interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending ? { text: `${pending.text} ${part}`, line: pending.line } : { text: part, line: index + 1 };
    if (continued) return;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(pending.text)!;
    const instruction = { keyword: keyword!.toUpperCase(), args: args!, line: pending.line };
    pending = undefined;
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      stages.push({ image: image!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  });
  return stages;
}

/** The final stage, as a container of it would start: its files, working directory, environment and commands. */
export interface ReplayedImage {
  image: string;
  /** The container's `/` on this machine. */
  root: string;
  /** The working directory on this machine. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  expose: number[];
  cmd: string[];
  /** The health check's command, shell form. */
  healthcheck: string | undefined;
}

/**
 * Builds an image without Docker: each stage's `/` is a directory under `into`, COPY copies from the
 * build context (less .dockerignore) or an earlier stage, RUN runs the command with `sh` in the
 * working directory, with this process's Node first on the PATH standing in for the base image's.
 * Commands get the stage's ENV and little else (see `sh`). An instruction this replay does not
 * know fails it, so a new one is not silently skipped.
 */
export async function replayDockerfile(context: string, into: string): Promise<ReplayedImage> {
  const stages = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  const ignored = dockerignore(context);
  const roots = new Map<string, string>();
  let image: ReplayedImage | undefined;
  for (const [index, stage] of stages.entries()) {
    const root = join(into, `stage-${index}`);
    mkdirSync(root, { recursive: true });
    const state: ReplayedImage = { image: stage.image, root, workdir: root, env: {}, user: undefined, expose: [], cmd: [], healthcheck: undefined };
    let cwd = '/';
    const onHost = (path: string) => join(root, posix.resolve(cwd, path));
    for (const { keyword, args, line } of stage.instructions) {
      const where = `Dockerfile line ${line} (${keyword} ${args})`;
      switch (keyword) {
        case 'WORKDIR':
          cwd = posix.resolve(cwd, args);
          mkdirSync(onHost('.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(state.env, parseEnv(args));
          break;
        case 'COPY': {
          const words = args.split(/\s+/);
          const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
          const paths = words.filter((word) => !word.startsWith('--'));
          const target = paths.pop()!;
          const sourceRoot = from === undefined ? context : (roots.get(from) ?? roots.get(String(Number(from))));
          if (!sourceRoot) throw new Error(`${where}: no stage ${from}`);
          for (const path of paths) {
            if (/[*?[]/.test(path)) throw new Error(`${where}: the replay does not expand wildcards`);
            const source = from === undefined ? join(context, path) : join(sourceRoot, posix.resolve('/', path));
            if (!existsSync(source)) throw new Error(`${where}: ${path} does not exist${from === undefined ? ' in the build context' : ` in stage ${from}`}`);
            const intoDirectory = statSync(source).isDirectory() || target.endsWith('/') || paths.length > 1;
            const destination = statSync(source).isDirectory() || !intoDirectory ? onHost(target) : join(onHost(target), posix.basename(path));
            mkdirSync(dirname(destination), { recursive: true });
            cpSync(source, destination, { recursive: true, filter: (file) => from !== undefined || !ignored(relative(context, file)) });
          }
          break;
        }
        case 'RUN': {
          const run = await sh(args, onHost('.'), state.env);
          if (run.code !== 0) throw new Error(`${where} exited with ${run.code}:\n${run.output.trim().split('\n').slice(-20).join('\n')}`);
          break;
        }
        case 'USER':
          state.user = args;
          break;
        case 'EXPOSE':
          state.expose.push(...args.split(/\s+/).map((port) => Number(port.replace(/\/tcp$/, ''))));
          break;
        case 'HEALTHCHECK':
          state.healthcheck = /(?:^|\s)CMD\s+(.+)$/.exec(args)?.[1];
          if (state.healthcheck?.startsWith('[')) throw new Error(`${where}: the replay runs the shell form only`);
          break;
        case 'CMD':
          state.cmd = JSON.parse(args) as string[];
          break;
        default:
          throw new Error(`${where}: the replay does not know ${keyword}`);
      }
    }
    state.workdir = onHost('.');
    roots.set(String(index), root);
    if (stage.name) roots.set(stage.name, root);
    image = state;
  }
  if (!image) throw new Error('the Dockerfile has no FROM');
  return image;
}

/** How this machine reaches the npm registry (a docker build has its own network settings): CA and proxies. */
const REGISTRY_ACCESS = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

/**
 * Runs a command as the image's `sh` would, with the given environment and only PATH, HOME and the
 * registry access of this machine's (HOME for npm's cache, which npm uses offline-first here: no
 * needless registry trips).
 */
export async function sh(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const registryAccess = Object.fromEntries(REGISTRY_ACCESS.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
  const child = spawn('sh', ['-c', command], {
    cwd,
    env: { PATH: `${dirname(process.execPath)}${posix.delimiter}${process.env['PATH']}`, HOME: homedir(), ...registryAccess, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** `KEY=value …` (quotes allowed) or the older `KEY value`. */
function parseEnv(args: string): Record<string, string> {
  if (!/^\S+=/.test(args)) {
    const [, key, value] = /^(\S+)\s+(.*)$/.exec(args)!;
    return { [key!]: value! };
  }
  const env: Record<string, string> = {};
  for (const [, key, quoted, plain] of args.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) env[key!] = quoted ?? plain!;
  return env;
}

/** The build context's .dockerignore: names and folders at the top (the only forms it uses; others fail). */
function dockerignore(context: string): (path: string) => boolean {
  const file = join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
    : [];
  for (const pattern of patterns) if (/[*?[!]/.test(pattern)) throw new Error(`.dockerignore: the replay does not handle the pattern ${pattern}`);
  const names = patterns.map((pattern) => pattern.replace(/^\/|\/$/g, ''));
  return (path) => {
    const posixPath = path.split(sep).join('/');
    return names.some((name) => posixPath === name || posixPath.startsWith(`${name}/`));
  };
}

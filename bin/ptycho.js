#!/usr/bin/env node
// Entry of the `ptycho` command. The CLI is written in TypeScript; tsx compiles it on the fly so
// `npx ptycho` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
const { main } = await import(join(here, '..', 'compute', 'cli', 'main.ts'));
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

const write = (stream) => (text) => stream.write(text);
main(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`podcap: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);

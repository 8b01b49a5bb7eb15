#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// A reader that stops early (`podcap node --all | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const write = (stream) => (text) => stream.write(text);
const terminal = {
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
  columns: process.stderr.columns || 80,
};
main(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr), terminal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`podcap: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);

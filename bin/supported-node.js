// The Node.js release we need (package.json's engines). The entry points load this module first and
// everything else only after it has passed, so an older Node gets this one line, not a loader error
// from a module it cannot link. Keep it to syntax that every Node with ESM has.
// Run directly (`node bin/supported-node.js`, as `npm test` does) it only checks.

const NEEDED = { major: 22, minor: 12 };

/** The one-line reason this Node cannot run mock-visma-connect, or undefined when it can. */
function unsupportedNode(version = process.versions.node, execPath = process.execPath) {
  const [major, minor] = version.split('.').map(Number);
  if (major > NEEDED.major || (major === NEEDED.major && minor >= NEEDED.minor)) return undefined;
  return (
    `mock-visma-connect: needs Node.js ${NEEDED.major}.${NEEDED.minor} or newer, and this is Node.js ${version} (${execPath}); ` +
    'install it with nvm (`nvm install 22`, or `nvm install` in a checkout, which reads .nvmrc), from https://nodejs.org, or use the official node:22 Docker image'
  );
}

/** For a command: says why on stderr and exits 2 (as for any bad setting) when this Node is too old. */
function exitUnlessSupportedNode() {
  const problem = unsupportedNode();
  if (problem === undefined) return;
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}

module.exports = { unsupportedNode, exitUnlessSupportedNode };

if (require.main === module) exitUnlessSupportedNode();

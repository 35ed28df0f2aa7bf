// Imported first by every file of the bundled package (scripts/build.js puts it there): on a Node older
// than we need, importing any entry point throws the one-line reason before the rest is run. It throws
// rather than exits: the importer may be someone's test process, and its runner shows the error. An ES
// module, unlike the rest of bin/: when a CommonJS module that an ES module imports throws, Node 20
// (the old Nodes this is for) also prints the error on stderr, though the importer catches it.
import { unsupportedNode } from './supported-node.js';

const problem = unsupportedNode();
if (problem !== undefined) throw new Error(problem);

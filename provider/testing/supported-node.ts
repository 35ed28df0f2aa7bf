// The testing library's first import: on a Node older than we need, importing the library throws the
// one-line reason before any other module is loaded. It throws rather than exits: the importer is
// someone's test process, and its runner shows the error.
import { createRequire } from 'node:module';

// Required, not imported: bin/ is CommonJS, and an ES module import of CommonJS has Node lex it for its names first.
const { unsupportedNode } = createRequire(import.meta.url)('#supported-node') as typeof import('#supported-node');
const problem = unsupportedNode();
if (problem !== undefined) throw new Error(problem);

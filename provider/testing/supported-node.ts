// The testing library's first import: on a Node older than we need, importing the library throws the
// one-line reason before any other module is loaded. It throws rather than exits: the importer is
// someone's test process, and its runner shows the error.
import { unsupportedNode } from '#supported-node';

const problem = unsupportedNode();
if (problem !== undefined) throw new Error(problem);

// `npm start`: the bin, which in a checkout compiles first when the sources changed, then runs the
// server in this same process (arguments after `npm start --` are the bin's).
import '../bin/mock-visma-connect.js';

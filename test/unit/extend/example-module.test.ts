/** Runs the documented example module's own tests (docs/examples/custom-module/test). */
import '../../../docs/examples/custom-module/test/env_file.test.js';
